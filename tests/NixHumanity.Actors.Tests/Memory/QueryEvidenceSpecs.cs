using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The evidence a store gathers once per query (every channel) and fuses under any weighting — what the evaluation's
/// weight sweep uses — gives exactly the store's own search under those weights.
/// </summary>
public sealed class QueryEvidenceSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static readonly (string Command, string Text, bool Succeeded)[] Memories =
    [
        ("nix-env -iA nixpkgs.firefox", "install the firefox web browser", true),
        ("systemctl --user restart pipewire", "the sound is not working", false),
        ("nmcli radio wifi on", "turn the wifi back on", true),
        ("nix-env -iA nixpkgs.vlc", "install vlc to watch videos", true),
        ("sudo nixos-rebuild switch --upgrade", "update the whole system", true),
        ("nix-collect-garbage -d", "free up disk space", false),
        ("nix-env -iA nixpkgs.gimp", "something to edit my photos", true),
        ("sudo systemctl restart bluetooth", "my headphones will not connect", true),
        ("nix-env -iA nixpkgs.libreoffice", "I need to write a letter", true),
        ("sudo reboot", "restart the computer", true),
    ];

    private static readonly string[] Requests =
    [
        "instal fierfox", "um the sound stopped", "wifi", "watch a video please", "update everything", "disk is full",
        "edit a picture", "bluetooth headphones", "write letters", "reboot the machine", "bake a chocolate cake",
    ];

    private readonly TempStoreFolder _folder = new();
    private readonly HashedNGramEmbedder _embedder = new();

    public void Dispose()
    {
        _embedder.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void Fusing_the_gathered_evidence_gives_the_stores_own_answer_under_every_weighting()
    {
        var path = Path.Combine(_folder.Folder, VectorMemoryStore.FileName);
        using (var store = VectorMemoryStore.Open(path, clock: new ManualClock(Start)))
        {
            store.Upsert(Memories.Select((m, i) => ((long)i + 1, TestVectors.Record(m.Command, _embedder.Embed(m.Text), m.Succeeded, m.Text))).ToList());
        }

        var calibrated = new MemoryOptions().ToStoreOptions(_embedder.Id);
        VectorMemoryStoreOptions[] weightings =
        [
            calibrated,
            calibrated with { DenseWeight = 0, LexicalWeight = 1, TypoWeight = 0 },
            calibrated with { DenseWeight = 0, LexicalWeight = 0, TypoWeight = 1 },
            calibrated with { DenseWeight = 0.2, LexicalWeight = 0.3, TypoWeight = 0.5, AbstainBelow = 0.3 },
            calibrated with { Fusion = FusionMode.ReciprocalRank, DenseWeight = 1, LexicalWeight = 1, TypoWeight = 0 },
            calibrated with { Fusion = FusionMode.ReciprocalRank, DenseWeight = 1, LexicalWeight = 1, TypoWeight = 1 },
        ];
        var own = weightings.Select(options =>
        {
            using var store = VectorMemoryStore.Open(path, options);
            return Requests.Select(r => store.Search(new MemoryQuery(r, _embedder.Embed(r)), 5)).ToList();
        }).ToList();

        using var gathering = VectorMemoryStore.Open(path, calibrated);
        var evidence = Requests.Select(r => gathering.GatherEvidence(new MemoryQuery(r, _embedder.Embed(r)), 5)).ToList();
        for (var w = 0; w < weightings.Length; w++)
        {
            for (var r = 0; r < Requests.Length; r++)
            {
                var fused = evidence[r].Fuse(5, weightings[w]);
                var expected = own[w][r];
                fused.Results.Should().Equal(expected.Results, $"weighting {w}, request '{Requests[r]}'");
                fused.Abstained.Should().Be(expected.Abstained);
                fused.BestConfidence.Should().Be(expected.BestConfidence);
            }
        }

        own.SelectMany(answers => answers).Should().Contain(a => a.Abstained, "the threshold of one weighting is met by some request, not by all");
        own[0][0].Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox", "the defaults find the misspelled request");
        own[1][0].Results.Should().BeEmpty("no word of it is spelled as remembered, so BM25 alone finds nothing");
    }

    [Fact]
    public void Evidence_refuses_a_weighting_it_was_not_gathered_for()
    {
        var path = Path.Combine(_folder.Folder, VectorMemoryStore.FileName);
        using var store = VectorMemoryStore.Open(path, clock: new ManualClock(Start));
        store.Upsert(1, TestVectors.Record("sudo reboot", _embedder.Embed("restart the computer"), true, "restart the computer"));
        var evidence = store.GatherEvidence(new MemoryQuery("reboot", _embedder.Embed("reboot")), 5);

        evidence.Invoking(e => e.Fuse(5, new VectorMemoryStoreOptions { ChannelCandidates = 20 })).Should().Throw<ArgumentException>();
        evidence.Invoking(e => e.Fuse(5, new VectorMemoryStoreOptions { Bm25K1 = 2 })).Should().Throw<ArgumentException>();
        store.Invoking(s => s.GatherEvidence(new MemoryQuery(" ", _embedder.Embed("reboot")), 5))
            .Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("query");
    }
}

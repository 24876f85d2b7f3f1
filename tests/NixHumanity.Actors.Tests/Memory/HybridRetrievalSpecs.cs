using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The store's retrieval channels (dense, BM25 over text and command, character 3-grams), their fusion and
/// abstention. Vectors are basis directions, so the dense channel's answer is known exactly; a query vector on an
/// axis no memory uses has cosine 0 with every memory, leaving the ranking to the lexical channels.
/// </summary>
public sealed class HybridRetrievalSpecs : IDisposable
{
    private const int Unrelated = 300;
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static readonly (string Command, string Text, int Axis, bool Succeeded)[] Memories =
    [
        ("nix-env -iA nixpkgs.firefox", "install the firefox web browser", 1, true),
        ("systemctl --user restart pipewire", "the sound is not working", 2, false),
        ("nmcli radio wifi on", "turn the wifi back on", 3, true),
        ("nix-env -iA nixpkgs.vlc", "install vlc to watch videos", 4, true),
        ("sudo nixos-rebuild switch --upgrade", "update the whole system", 5, true),
        ("nix-collect-garbage -d", "free up disk space", 6, false),
    ];

    private readonly TempStoreFolder _folder = new();
    private readonly ManualClock _clock = new(Start);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void With_only_the_dense_weight_a_text_search_ranks_exactly_like_the_vector_search()
    {
        using var store = OpenWith(Weights(1, 0, 0) with { SuccessRateWeight = 0, SimilarityWeight = 1 });
        var vector = TestVectors.Normalise(TestVectors.Basis(2, noise: 0.3f, seed: 5));

        var hybrid = store.Search(new MemoryQuery("install firefox", vector), 6);
        var plain = store.Search(vector, 6);

        hybrid.Results.Select(r => r.Id).Should().Equal(plain.Results.Select(r => r.Id));
        hybrid.Results.Select(r => r.Score).Should().Equal(plain.Results.Select(r => r.Score));
        hybrid.Results.Should().OnlyContain(r => r.Channels.Lexical == 0 && r.Channels.Typo == 0, "channels with weight 0 do not run");
    }

    [Fact]
    public void With_only_the_lexical_weight_the_ranking_is_bm25_over_text_and_command()
    {
        using var store = OpenWith(Weights(0, 1, 0) with { SuccessRateWeight = 0, SimilarityWeight = 1 });

        var response = store.Search(new MemoryQuery("install nixpkgs firefox", TestVectors.Basis(Unrelated)), 6);

        // "nixpkgs" only occurs in commands, "install" in two texts, "firefox" in one text and one command.
        response.Results.Select(r => r.Command).Should().Equal("nix-env -iA nixpkgs.firefox", "nix-env -iA nixpkgs.vlc");
        response.Results.Should().OnlyContain(r => r.Score == r.Channels.Lexical && r.Channels.Lexical > 0 && r.Channels.Lexical < 1);
        response.Results[0].Channels.Lexical.Should().BeGreaterThan(response.Results[1].Channels.Lexical);
    }

    [Fact]
    public void The_typo_channel_finds_a_misspelled_request_that_neither_words_nor_vectors_match()
    {
        using var typoOnly = OpenWith(Weights(0, 0, 1), "typo.duckdb");
        using var withoutTypo = OpenWith(Weights(1, 1, 0), "words.duckdb");
        var query = new MemoryQuery("instal fierfox", TestVectors.Basis(Unrelated));

        typoOnly.Search(query, 3).Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox");
        withoutTypo.Search(query, 3).Results.Should().NotContain(r => r.Channels.Lexical > 0, "no word of the request is spelled as remembered");
        using var defaults = OpenWith(new VectorMemoryStoreOptions(), "defaults.duckdb");
        defaults.Search(query, 3).Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox");
    }

    [Fact]
    public void A_memory_that_only_shares_a_word_with_the_request_is_found_by_the_fused_search()
    {
        using var store = OpenWith(new VectorMemoryStoreOptions { SuccessRateWeight = 0 });
        // The vector points at the wifi memory; the word "pipewire" only occurs in the sound memory's command.
        var query = new MemoryQuery("pipewire", TestVectors.Basis(3));

        store.Search(query.Vector, 1).Results[0].Command.Should().Be("nmcli radio wifi on", "the vector alone prefers wifi");
        var fused = store.Search(query, 2).Results;

        fused.Select(r => r.Command).Should().Contain("systemctl --user restart pipewire");
        fused.Single(r => r.Command.Contains("pipewire")).Channels.Lexical.Should().BeGreaterThan(0);
    }

    [Fact]
    public void A_where_prefilter_restricts_every_channel()
    {
        using var store = OpenWith(new VectorMemoryStoreOptions());
        // Each channel on its own would rank the failed sound memory first: vector, words and 3-grams all point at it.
        var query = new MemoryQuery("restart pipewire sound", TestVectors.Basis(2));

        var unfiltered = store.Search(query, 6).Results;
        var filtered = store.Search(query, 6, "success_rate > 0.8");

        unfiltered[0].Command.Should().Be("systemctl --user restart pipewire");
        filtered.Results.Should().NotBeEmpty().And.OnlyContain(r => r.SuccessRate > 0.8);
        filtered.CandidateRows.Should().Be(Memories.Count(m => m.Succeeded));
        using var lexicalOnly = OpenWith(Weights(0, 1, 0), "lexical.duckdb");
        lexicalOnly.Search(query, 6, "success_rate > 0.8").Results.Should().BeEmpty("only the filtered-out memory shares a word");
        using var typoOnly = OpenWith(Weights(0, 0, 1), "typo.duckdb");
        typoOnly.Search(query, 6, "success_rate > 0.8").Results.Should().OnlyContain(r => r.SuccessRate > 0.8);
    }

    [Fact]
    public void Time_travel_matches_the_old_phrasing_and_the_live_table_only_the_new_one()
    {
        using var store = OpenWith(Weights(0, 1, 0), records: []);
        _clock.Advance(TimeSpan.FromHours(1));
        store.Upsert(1, TestVectors.Record("launch-web", TestVectors.Basis(1), text: "get me firefox"));
        store.Search(new MemoryQuery("firefox", TestVectors.Basis(Unrelated)), 5).Results.Should().ContainSingle("the live index is built now");
        _clock.Advance(TimeSpan.FromHours(1));
        store.Upsert(2, TestVectors.Record("launch-web", TestVectors.Basis(1), text: "start the chromium browser"));

        var firefox = new MemoryQuery("firefox", TestVectors.Basis(Unrelated));
        var chromium = new MemoryQuery("chromium", TestVectors.Basis(Unrelated));
        store.Search(firefox, 5, asOf: MemoryAsOf.AtVersion(1)).Results.Should().ContainSingle().Which.Text.Should().Be("get me firefox");
        store.Search(chromium, 5, asOf: MemoryAsOf.AtVersion(1)).Results.Should().BeEmpty();
        store.Search(firefox, 5).Results.Should().BeEmpty("re-recording replaced the old phrasing's postings");
        store.Search(chromium, 5).Results.Should().ContainSingle().Which.Text.Should().Be("start the chromium browser");
    }

    [Fact]
    public void Re_recording_replaces_postings_and_the_incremental_index_equals_one_derived_from_the_rows()
    {
        var path = Path.Combine(_folder.Folder, "reopen.duckdb");
        var queries = new[] { "wifi", "sound wifi", "install videos", "the network is down", "instal vlc" }
            .Select((text, i) => new MemoryQuery(text, TestVectors.Basis(i + 1, noise: 0.2f, seed: i))).ToList();
        List<List<(string Id, double Score)>> incremental;
        using (var store = VectorMemoryStore.Open(path, new VectorMemoryStoreOptions(), _clock))
        {
            Load(store, Memories);
            store.Search(queries[0], 3);
            store.Upsert(Memories.Length + 1, TestVectors.Record("nmcli radio wifi on", TestVectors.Basis(3), text: "the network is down"));
            store.Upsert(Memories.Length + 2, TestVectors.Record("nix-env -iA nixpkgs.vlc", TestVectors.Basis(4), text: "play my videos"));
            incremental = queries.Select(q => Answer(store, q)).ToList();
            store.Search(new MemoryQuery("wifi back", TestVectors.Basis(Unrelated)), 6).Results
                .Single(r => r.Command == "nmcli radio wifi on").Channels.Lexical.Should().BeGreaterThan(0, "the command still says wifi");
        }

        using var reopened = VectorMemoryStore.Open(path, new VectorMemoryStoreOptions(), _clock);
        queries.Select(q => Answer(reopened, q)).Should().BeEquivalentTo(incremental, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Compaction_keeps_the_current_answers()
    {
        using var store = OpenWith(new VectorMemoryStoreOptions());
        store.Upsert(Memories.Length + 1, TestVectors.Record("nmcli radio wifi on", TestVectors.Basis(3), text: "the network is down"));
        var queries = new[] { "network down", "turn the wifi back on", "instal fierfox" }.Select(t => new MemoryQuery(t, TestVectors.Basis(3))).ToList();
        var before = queries.Select(q => Answer(store, q)).ToList();

        store.Compact();

        queries.Select(q => Answer(store, q)).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_search_abstains_on_an_unrelated_request_and_not_on_a_related_one()
    {
        using var store = OpenWith(new VectorMemoryStoreOptions { AbstainBelow = 0.2 });

        var unrelated = store.Search(new MemoryQuery("bake a chocolate cake", TestVectors.Basis(Unrelated)), 3);
        var related = store.Search(new MemoryQuery("install firefox", TestVectors.Basis(1, noise: 0.1f, seed: 2)), 3);

        unrelated.Abstained.Should().BeTrue();
        unrelated.BestConfidence.Should().BeLessThan(0.2);
        unrelated.Results.Should().OnlyContain(r => r.Confidence < 0.2, "results are flagged, not hidden");
        related.Abstained.Should().BeFalse();
        related.Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox");
        related.Results[0].Confidence.Should().Be(related.BestConfidence).And.BeInRange(0.2, 1.0);
    }

    [Fact]
    public void Reciprocal_rank_fusion_gives_confidences_in_range_and_one_channel_keeps_its_ranking()
    {
        using var rrf = OpenWith(Weights(1, 1, 1) with { Fusion = FusionMode.ReciprocalRank }, "rrf.duckdb");
        using var rrfLexical = OpenWith(Weights(0, 1, 0) with { Fusion = FusionMode.ReciprocalRank, SuccessRateWeight = 0 }, "rrf-lexical.duckdb");
        using var lexical = OpenWith(Weights(0, 1, 0) with { SuccessRateWeight = 0 }, "lexical.duckdb");
        var query = new MemoryQuery("install nixpkgs firefox", TestVectors.Basis(4));

        rrf.Search(query, 6).Results.Should().OnlyContain(r => r.Confidence >= 0 && r.Confidence <= 1);
        rrfLexical.Search(query, 6).Results.Select(r => r.Id).Should().Equal(lexical.Search(query, 6).Results.Select(r => r.Id));
    }

    [Fact]
    public void Above_the_hnsw_threshold_the_dense_candidates_come_from_the_graph_and_a_word_match_still_joins_them()
    {
        var vectors = TestVectors.Clustered(1200, 30, 0.8, seed: 7);
        using var store = VectorMemoryStore.Open(Path.Combine(_folder.Folder, "hnsw.duckdb"), Weights(0.2, 0.7, 0.1) with { HnswThreshold = 1000 });
        store.Upsert(vectors.Select((v, i) => ((long)i + 1, TestVectors.Record($"cmd-{i}", v, text: i == 600 ? "feed the zebrafish" : $"routine task {i}"))).ToList());
        store.WaitForHnsw(TimeSpan.FromMinutes(5)).Should().BeTrue(store.LastHnswError?.ToString());

        var response = store.Search(new MemoryQuery("zebrafish", vectors[17]), 5);

        response.Strategy.Should().Be(SearchStrategy.Hnsw);
        response.Results[0].Command.Should().Be("cmd-600", "its word match outweighs the neighbours' cosine at these weights");
        response.Results.Select(r => r.Command).Should().Contain("cmd-17");
    }

    [Theory]
    [InlineData(-0.1, 0.2, 0.1)]
    [InlineData(0, 0, 0)]
    [InlineData(0.7, double.NaN, 0.1)]
    public void Channel_weights_must_be_finite_non_negative_and_not_all_zero(double dense, double lexical, double typo)
    {
        var act = () => VectorMemoryStore.Open(Path.Combine(_folder.Folder, "bad.duckdb"), Weights(dense, lexical, typo));
        act.ShouldBeRejected("options: channel weights*");
    }

    private static VectorMemoryStoreOptions Weights(double dense, double lexical, double typo) =>
        new() { DenseWeight = dense, LexicalWeight = lexical, TypoWeight = typo };

    private static List<(string Id, double Score)> Answer(VectorMemoryStore store, MemoryQuery query) =>
        store.Search(query, 4).Results.Select(r => (r.Id, r.Score)).ToList();

    private static void Load(VectorMemoryStore store, IEnumerable<(string Command, string Text, int Axis, bool Succeeded)> memories) =>
        store.Upsert(memories.Select((m, i) => ((long)i + 1, TestVectors.Record(m.Command, TestVectors.Basis(m.Axis), m.Succeeded, m.Text))).ToList());

    private VectorMemoryStore OpenWith(VectorMemoryStoreOptions options, string file = VectorMemoryStore.FileName,
        (string Command, string Text, int Axis, bool Succeeded)[]? records = null)
    {
        var store = VectorMemoryStore.Open(Path.Combine(_folder.Folder, file), options, _clock);
        if ((records ?? Memories).Length > 0)
        {
            Load(store, records ?? Memories);
        }

        return store;
    }
}

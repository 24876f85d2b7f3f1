using Akka.Actor;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>The memory through the real tree when its store is lost, damaged, from another embedder, or its actor is killed.</summary>
public sealed class MemoryRecoveryIntegrationSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static Task RecordDayAsync(ActorTree tree, string userId) => MemoryTreeIntegrationSpecs.RecordDayAsync(tree, userId);

    private static Task<MemorySearched> SearchAsync(ActorTree tree, string userId, string query, int limit = 5, string? where = null, string? asOf = null) =>
        MemoryTreeIntegrationSpecs.SearchAsync(tree, userId, query, limit, where, asOf);

    private static Task<ProjectionStatus> StatusAsync(ActorTree tree, string userId) => MemoryTreeIntegrationSpecs.StatusAsync(tree, userId);

    private string MemoryFile(string userId) => MemoryTreeIntegrationSpecs.MemoryFile(_data.Path, userId);

    [Fact]
    public async Task A_different_embedder_at_restart_re_embeds_the_memory_from_the_journal_and_search_still_works()
    {
        long lastSequenceNr;
        await using (var first = ActorTree.Start(_data.Path, o => o.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram }))
        {
            await RecordDayAsync(first, "rose");
            lastSequenceNr = (await first.StatusAsync("rose")).SequenceNr;
            var status = await StatusAsync(first, "rose");
            status.EmbedderId.Should().Be(HashedNGramEmbedder.DefaultId);
            status.Rows.Should().Be(MemoryTreeIntegrationSpecs.RoseDay.Length);
        }

        await using var second = ActorTree.Start(_data.Path, o => o.Embeddings = new EmbedderOptions
        {
            Kind = EmbedderKind.Onnx,
            Onnx = new OnnxSentenceEmbedderOptions { ModelPath = EmbeddingTestFiles.TinyModel, ExpectedSha256 = TinyModelFormula.Sha256 },
        });
        // The re-embedding runs in the background (requests are answered meanwhile); wait for it to finish.
        ProjectionStatus after = null!;
        await Eventually.HoldsAsync(async () =>
        {
            after = await StatusAsync(second, "rose");
            after.Rows.Should().Be(MemoryTreeIntegrationSpecs.RoseDay.Length);
        });
        after.EmbedderId.Should().StartWith("onnx:");
        after.Rows.Should().Be(MemoryTreeIntegrationSpecs.RoseDay.Length);
        after.LastSequenceNr.Should().Be(lastSequenceNr);

        // The tiny model's vectors carry no meaning, but the exact text must still find its own command.
        var found = await SearchAsync(second, "rose", MemoryTreeIntegrationSpecs.RoseDay[4].Text, limit: 1);
        found.Results.Should().ContainSingle().Which.Command.Should().Be(MemoryTreeIntegrationSpecs.RoseDay[4].Command);
        found.Results[0].Similarity.Should().BeApproximately(1.0, 1e-4);
        var embeddings = await second.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings("rose"));
        embeddings.EmbedderId.Should().Be(after.EmbedderId);
        embeddings.Commands.Where(c => c.Command == MemoryTreeIntegrationSpecs.RoseDay[3].Command).Should().ContainSingle().Which.Attempts.Should().Be(1);
    }

    [Fact]
    public async Task Deleting_memory_duckdb_while_stopped_rebuilds_it_from_the_journal()
    {
        ProjectionStatus before;
        await using (var first = ActorTree.Start(_data.Path))
        {
            await RecordDayAsync(first, "rose");
            await first.RecordAsync("rose", "install firefox", InteractionOutcome.Failure, command: "nix-env -iA nixpkgs.firefox");
            await first.AskAsync<NotificationAcknowledged>(new RecordNotification("rose", "system-update"));
            before = await StatusAsync(first, "rose");
        }

        File.Exists(MemoryFile("rose")).Should().BeTrue();
        File.Delete(MemoryFile("rose"));
        File.Delete(MemoryFile("rose") + ".wal");

        await using var second = ActorTree.Start(_data.Path);
        var after = await StatusAsync(second, "rose");
        after.LastSequenceNr.Should().Be(before.LastSequenceNr);
        after.Rows.Should().Be(before.Rows);
        File.Exists(MemoryFile("rose")).Should().BeTrue();
        var firefox = (await SearchAsync(second, "rose", "instal fire fox")).Results[0];
        firefox.Command.Should().Be("nix-env -iA nixpkgs.firefox");
        firefox.SuccessRate.Should().Be(0.5);
    }

    [Fact]
    public async Task An_unreadable_memory_file_is_set_aside_and_rebuilt_from_the_journal()
    {
        long lastSequenceNr;
        await using (var first = ActorTree.Start(_data.Path))
        {
            await RecordDayAsync(first, "rose");
            lastSequenceNr = (await StatusAsync(first, "rose")).LastSequenceNr;
        }

        var garbage = Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7)).ToArray();
        File.Delete(MemoryFile("rose") + ".wal");
        File.WriteAllBytes(MemoryFile("rose"), garbage);

        await using var second = ActorTree.Start(_data.Path);
        var status = await StatusAsync(second, "rose");
        status.LastSequenceNr.Should().Be(lastSequenceNr);
        status.Rows.Should().Be(MemoryTreeIntegrationSpecs.RoseDay.Length);
        (await SearchAsync(second, "rose", "instal vlc")).Results[0].Command.Should().Be("nix-env -iA nixpkgs.vlc");
        var aside = Directory.GetFiles(Path.GetDirectoryName(MemoryFile("rose"))!, VectorMemoryStore.FileName + ".unreadable-*");
        aside.Should().ContainSingle();
        File.ReadAllBytes(aside[0]).Should().Equal(garbage, "the unreadable file is kept, not deleted");
    }

    [Fact]
    public async Task Killing_the_memory_actor_mid_stream_loses_and_duplicates_nothing()
    {
        const int total = 240;
        const int commands = 24;
        long lastSequenceNr = 0;
        await using var tree = ActorTree.Start(_data.Path, o => o.SupervisorMinBackoff = TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < total; i++)
        {
            if (i is total / 3 or 2 * total / 3)
            {
                tree.System.ActorSelection("/user/users/user-maya/memory/memory").Tell(Kill.Instance);
            }

            var ack = await tree.RecordAsync("maya", $"request {i} about package {i % commands}",
                i % 5 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success, command: $"nix-env -iA nixpkgs.pkg{i % commands}");
            lastSequenceNr = ack.SequenceNr;
        }

        CommandEmbeddings? embeddings = null;
        await Eventually.HoldsAsync(async () =>
        {
            (await StatusAsync(tree, "maya")).LastSequenceNr.Should().Be(lastSequenceNr);
            embeddings = await tree.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings("maya"));
        }, TimeSpan.FromSeconds(30));

        embeddings!.Commands.Should().HaveCount(commands);
        embeddings.Commands.Sum(c => c.Attempts).Should().Be(total, "every interaction counted exactly once");
        embeddings.Commands.Sum(c => c.Successes).Should().Be(Enumerable.Range(0, total).Count(i => i % 5 != 0));
    }
}

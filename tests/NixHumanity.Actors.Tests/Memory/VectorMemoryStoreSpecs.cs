using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Memory;

public sealed class VectorMemoryStoreSpecs : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Upsert_then_search_finds_the_memory_read_your_writes()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.Upsert(1, TestVectors.Record("nix-env -iA nixpkgs.firefox", TestVectors.Basis(3), text: "install firefox"));
        store.Upsert(2, TestVectors.Record("nix-env -iA nixpkgs.vlc", TestVectors.Basis(7), text: "install vlc"));

        var response = store.Search(TestVectors.Basis(3, 0.05f, seed: 9), 1);

        response.Results.Should().ContainSingle();
        var hit = response.Results[0];
        hit.Command.Should().Be("nix-env -iA nixpkgs.firefox");
        hit.Text.Should().Be("install firefox");
        hit.Id.Should().Be(VectorMemoryStore.IdFor("nix-env -iA nixpkgs.firefox"));
        hit.Similarity.Should().BeGreaterThan(0.8);
        hit.SuccessRate.Should().Be(1.0);
        hit.Score.Should().BeApproximately((0.85 * hit.Similarity) + (0.15 * hit.SuccessRate), 1e-5);
        response.Strategy.Should().Be(SearchStrategy.Exact);
    }

    [Fact]
    public void Applying_the_same_sequence_number_twice_is_a_no_op_also_after_reopening()
    {
        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Upsert(1, TestVectors.Record("ls", TestVectors.Basis(1))).Applied.Should().Be(1);
            var again = store.Upsert(1, TestVectors.Record("ls", TestVectors.Basis(1)));
            again.Applied.Should().Be(0);
            again.Skipped.Should().Be(1);
            store.Upsert(2, TestVectors.Record("ls", TestVectors.Basis(1), succeeded: false));
            store.Checkpoint.Should().Be(2);
            store.CurrentVersion.Should().Be(2);
        }

        using (var reopened = VectorMemoryStore.Open(_folder.StorePath))
        {
            reopened.Checkpoint.Should().Be(2);
            var replay = reopened.Upsert([(1, TestVectors.Record("ls", TestVectors.Basis(1))), (2, TestVectors.Record("ls", TestVectors.Basis(1), succeeded: false))]);
            replay.Applied.Should().Be(0);
            replay.Skipped.Should().Be(2);
            reopened.CurrentVersion.Should().Be(2, "a batch that applies nothing creates no version");
            var memory = reopened.GetMemory("ls")!;
            memory.Attempts.Should().Be(2);
            memory.Successes.Should().Be(1);

            reopened.Upsert(3, TestVectors.Record("ls", TestVectors.Basis(1))).Applied.Should().Be(1);
            reopened.GetMemory("ls")!.Attempts.Should().Be(3);
        }
    }

    [Fact]
    public void A_crash_before_commit_leaves_data_and_checkpoint_unchanged_and_the_replay_applies_once()
    {
        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Upsert(1, TestVectors.Record("git status", TestVectors.Basis(2)));
            store.FaultInjector = stage => throw new IOException($"simulated crash at {stage}");

            var act = () => store.Upsert([(2, TestVectors.Record("git status", TestVectors.Basis(2))), (3, TestVectors.Record("htop", TestVectors.Basis(5)))]);

            act.Should().Throw<IOException>();
            store.Checkpoint.Should().Be(1);
            store.Count.Should().Be(1);
            store.GetMemory("git status")!.Attempts.Should().Be(1);
            store.CurrentVersion.Should().Be(1);
        }

        using (var reopened = VectorMemoryStore.Open(_folder.StorePath))
        {
            reopened.Checkpoint.Should().Be(1, "the failed transaction was rolled back, checkpoint included");
            reopened.Count.Should().Be(1);
            var replay = reopened.Upsert([(1, TestVectors.Record("git status", TestVectors.Basis(2))), (2, TestVectors.Record("git status", TestVectors.Basis(2))), (3, TestVectors.Record("htop", TestVectors.Basis(5)))]);
            replay.Applied.Should().Be(2);
            replay.Skipped.Should().Be(1);
            reopened.GetMemory("git status")!.Attempts.Should().Be(2);
            reopened.GetMemory("htop").Should().NotBeNull();
        }
    }

    [Fact]
    public void Re_recording_a_command_updates_statistics_without_duplicating_the_memory()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.Upsert(1, TestVectors.Record("sudo nixos-rebuild switch", TestVectors.Basis(4), succeeded: true, text: "apply my config", satisfaction: 1.0, intent: "rebuild", confidence: 0.9));
        store.Upsert(2, TestVectors.Record("sudo nixos-rebuild switch", TestVectors.Basis(4), succeeded: false, text: "rebuild the system", satisfaction: 0.5));
        store.Upsert(3, TestVectors.Record("sudo nixos-rebuild switch", TestVectors.Basis(4), succeeded: true, text: "switch to new config"));
        store.Upsert(4, TestVectors.Record("sudo nixos-rebuild switch", TestVectors.Basis(4), succeeded: null, text: "rebuild now"));

        store.Count.Should().Be(1);
        var memory = store.GetMemory("sudo nixos-rebuild switch")!;
        memory.Attempts.Should().Be(3, "an unreported outcome is not an attempt");
        memory.Successes.Should().Be(2);
        memory.SuccessRate.Should().BeApproximately(2.0 / 3.0, 1e-12);
        memory.UserSatisfaction.Should().BeApproximately(0.75, 1e-12);
        memory.Confidence.Should().Be(0.9, "confidence keeps the latest reported value");
        memory.Intent.Should().Be("rebuild");
        memory.Text.Should().Be("rebuild now", "the latest phrasing is kept");
        memory.SequenceNr.Should().Be(4);

        var hits = store.Search(TestVectors.Basis(4), 10).Results;
        hits.Should().ContainSingle().Which.Attempts.Should().Be(3);
        store.ListVersions().Should().HaveCount(5);
    }

    [Fact]
    public void Re_recording_in_one_batch_counts_every_record()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        var result = store.Upsert([
            (1, TestVectors.Record("a", TestVectors.Basis(1), succeeded: true)),
            (2, TestVectors.Record("a", TestVectors.Basis(1), succeeded: false)),
            (3, TestVectors.Record("b", TestVectors.Basis(2), succeeded: true)),
        ]);

        result.Should().Be(new UpsertResult(3, 0, 2, 0, 3, 3), "each event is a version, numbered by its sequence number");
        store.GetMemory("a")!.Attempts.Should().Be(2);
        store.GetMemory("a")!.SuccessRate.Should().Be(0.5);
        store.Count.Should().Be(2);
    }

    [Fact]
    public void Deleting_the_file_rebuilds_from_scratch()
    {
        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Upsert(5, TestVectors.Record("df -h", TestVectors.Basis(9)));
        }

        File.Delete(_folder.StorePath);
        using var rebuilt = VectorMemoryStore.Open(_folder.StorePath);
        rebuilt.Checkpoint.Should().Be(0);
        rebuilt.Count.Should().Be(0);
        rebuilt.Upsert(5, TestVectors.Record("df -h", TestVectors.Basis(9))).Applied.Should().Be(1);
    }

    [Fact]
    public void Reopening_restores_the_in_memory_index_identically()
    {
        var vectors = TestVectors.Clustered(300, 10, 0.6, seed: 3);
        IReadOnlyList<MemorySearchResult> before;
        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Upsert(vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"cmd-{i}", v, succeeded: i % 3 != 0))).ToList());
            store.Upsert(400, TestVectors.Record("cmd-7", vectors[8], succeeded: true));
            before = store.Search(vectors[8], 10, "success_rate > 0.4").Results;
        }

        using var reopened = VectorMemoryStore.Open(_folder.StorePath);
        reopened.Search(vectors[8], 10, "success_rate > 0.4").Results.Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Embedder_mismatch_is_detected_and_reset_clears_everything_stale()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.EmbedderId.Should().BeNull();
        store.Upsert(1, TestVectors.Record("ls", TestVectors.Basis(1)));
        store.Upsert(2, TestVectors.Record("pwd", TestVectors.Basis(2)));
        store.EmbedderId.Should().Be(TestVectors.Embedder);
        store.IsEmbedderMismatch(TestVectors.Embedder).Should().BeFalse();
        store.IsEmbedderMismatch("onnx-minilm").Should().BeTrue();

        var wrong = () => store.Upsert(3, TestVectors.Record("ls", TestVectors.Basis(1), embedder: "onnx-minilm"));
        wrong.Should().Throw<InvalidOperationException>().WithMessage("*embedder mismatch*ResetForEmbedder*");
        store.Checkpoint.Should().Be(2);

        var report = store.ResetForEmbedder("onnx-minilm");
        report.PreviousEmbedderId.Should().Be(TestVectors.Embedder);
        report.MemoriesCleared.Should().Be(2);
        report.RowVersionsCleared.Should().Be(2);
        report.Version.Should().Be(0, "versions are journal positions, and the replay starts again from the first event");
        store.Checkpoint.Should().Be(0);
        store.Count.Should().Be(0);
        store.Search(TestVectors.Basis(1), 5).Results.Should().BeEmpty();
        var oldVersion = () => store.Search(TestVectors.Basis(1), 5, asOf: MemoryAsOf.AtVersion(2));
        oldVersion.ShouldBeRejected("asOf: version 2 does not exist (current version is 0)");

        store.Upsert(1, TestVectors.Record("ls", TestVectors.Basis(1), embedder: "onnx-minilm")).Applied.Should().Be(1);
        store.Search(TestVectors.Basis(1), 5, asOf: MemoryAsOf.AtVersion(1)).Version.Should().Be(1, "the replay makes version 1 again, with the new vectors");
        store.GetMemory("ls")!.EmbedderId.Should().Be("onnx-minilm");
        store.GetMemory("ls")!.Attempts.Should().Be(1);
    }

    [Fact]
    public void Embedder_change_survives_reopening()
    {
        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Upsert(1, TestVectors.Record("ls", TestVectors.Basis(1)));
            store.ResetForEmbedder("onnx-minilm");
        }

        using var reopened = VectorMemoryStore.Open(_folder.StorePath);
        reopened.EmbedderId.Should().Be("onnx-minilm");
        reopened.Checkpoint.Should().Be(0);
        reopened.Count.Should().Be(0);
    }

    [Fact]
    public void Advancing_the_checkpoint_skips_events_without_memories()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.AdvanceCheckpoint(10);
        store.CurrentVersion.Should().Be(0);
        store.Upsert(9, TestVectors.Record("ls", TestVectors.Basis(1))).Skipped.Should().Be(1);
        store.Count.Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Search_rejects_k_out_of_range(int k)
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        var act = () => store.Search(TestVectors.Basis(1), k);
        act.ShouldBeRejected("k: must be between 1 and 1000*");
    }

    [Fact]
    public void Search_rejects_bad_query_vectors()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        var nan = TestVectors.Basis(1);
        nan[17] = float.NaN;
        var infinite = TestVectors.Basis(1);
        infinite[3] = float.PositiveInfinity;

        ((Action)(() => store.Search(new float[10], 5))).ShouldBeRejected("query: must have 384 dimensions (got 10)");
        ((Action)(() => store.Search(nan, 5))).ShouldBeRejected("query: element 17 is NaN*");
        ((Action)(() => store.Search(infinite, 5))).ShouldBeRejected("query: element 3 is*");
        ((Action)(() => store.Search(new float[384], 5))).ShouldBeRejected("query: must not be all zeros");
    }

    [Fact]
    public void A_batch_with_one_invalid_record_changes_nothing()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.Upsert(1, TestVectors.Record("ls", TestVectors.Basis(1)));
        var nan = TestVectors.Basis(2);
        nan[0] = float.NaN;

        var cases = new Action[]
        {
            () => store.Upsert([(2, TestVectors.Record("pwd", TestVectors.Basis(2))), (3, TestVectors.Record("ls", nan))]),
            () => store.Upsert(2, TestVectors.Record("pwd", new float[100])),
            () => store.Upsert(2, TestVectors.Record(" ", TestVectors.Basis(2))),
            () => store.Upsert(2, TestVectors.Record("pwd", TestVectors.Basis(2), text: "")),
            () => store.Upsert(2, TestVectors.Record("pwd", TestVectors.Basis(2), satisfaction: 1.5)),
            () => store.Upsert(2, TestVectors.Record("pwd", TestVectors.Basis(2), confidence: double.NaN)),
            () => store.Upsert([(3, TestVectors.Record("pwd", TestVectors.Basis(2))), (2, TestVectors.Record("cd", TestVectors.Basis(3)))]),
            () => store.Upsert(0, TestVectors.Record("pwd", TestVectors.Basis(2))),
        };

        foreach (var act in cases)
        {
            act.Should().Throw<InvalidInputException>();
        }

        store.Checkpoint.Should().Be(1);
        store.Count.Should().Be(1);
        store.CurrentVersion.Should().Be(1);
        store.GetMemory("ls")!.Attempts.Should().Be(1);
    }

    [Fact]
    public void Blending_promotes_a_more_successful_memory_and_the_raw_similarity_is_kept()
    {
        var query = TestVectors.Basis(10);
        var close = TestVectors.Basis(10, 0.02f, seed: 1);
        var lessClose = TestVectors.Basis(10, 0.03f, seed: 2);
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.Upsert(1, TestVectors.Record("failing", close, succeeded: false));
        store.Upsert(2, TestVectors.Record("working", lessClose, succeeded: true));

        var blended = store.Search(query, 2).Results;
        blended[0].Command.Should().Be("working");
        blended[0].Similarity.Should().BeLessThan(blended[1].Similarity);

        using var plain = VectorMemoryStore.Open(Path.Combine(_folder.Folder, "plain.duckdb"), new VectorMemoryStoreOptions { SuccessRateWeight = 0, SimilarityWeight = 1 });
        plain.Upsert(1, TestVectors.Record("failing", close, succeeded: false));
        plain.Upsert(2, TestVectors.Record("working", lessClose, succeeded: true));
        plain.Search(query, 2).Results[0].Command.Should().Be("failing");
    }

    [Fact]
    public void A_parallel_exact_scan_returns_the_same_results_as_a_single_threaded_one()
    {
        var vectors = TestVectors.Clustered(2000, 20, 0.8, seed: 21);
        var queries = TestVectors.Clustered(20, 20, 0.8, seed: 22);
        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Upsert(vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"cmd-{i}", v, succeeded: i % 3 == 0))).ToList());
        }

        var serial = new VectorMemoryStoreOptions { ScanThreads = 1 };
        var parallel = new VectorMemoryStoreOptions { ScanThreads = 2, ParallelScanMinRows = 100 };
        var expected = new List<IReadOnlyList<MemorySearchResult>>();
        using (var store = VectorMemoryStore.Open(_folder.StorePath, serial))
        {
            expected.AddRange(queries.Select(q => store.Search(q, 25).Results));
            expected.AddRange(queries.Select(q => store.Search(q, 25, "success_rate > 0.5").Results));
        }

        using (var store = VectorMemoryStore.Open(_folder.StorePath, parallel))
        {
            var actual = queries.Select(q => store.Search(q, 25).Results).Concat(queries.Select(q => store.Search(q, 25, "success_rate > 0.5").Results)).ToList();
            actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        }
    }
}

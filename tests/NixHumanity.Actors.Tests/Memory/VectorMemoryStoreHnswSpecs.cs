using NixHumanity.Actors.Memory.Store;
using Xunit.Abstractions;

namespace NixHumanity.Actors.Tests.Memory;

public sealed class VectorMemoryStoreHnswSpecs(ITestOutputHelper output) : IDisposable
{
    private const int Rows = 3000;
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Hnsw_recall_at_10_on_clustered_data_matches_exact_search_closely()
    {
        var vectors = TestVectors.Clustered(Rows, 60, 0.8, seed: 11);
        var queries = TestVectors.Clustered(100, 60, 0.8, seed: 11 + 1000);
        var options = new VectorMemoryStoreOptions { SuccessRateWeight = 0, SimilarityWeight = 1, HnswThreshold = 1000, ExactFilteredMaxRows = 200 };
        using var store = VectorMemoryStore.Open(_folder.StorePath, options);
        store.Upsert(vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"cmd-{i}", v, succeeded: i % 4 == 0))).ToList());

        // Exact answers first (the graph is still building or not yet swapped in).
        var exact = queries.Select(q => store.Search(q, 10).Results.Select(r => r.Id).ToHashSet()).ToList();
        var exactFiltered = queries.Select(q => store.Search(q, 10, "success_rate > 0.8").Results.Select(r => r.Id).ToHashSet()).ToList();

        store.WaitForHnsw(TimeSpan.FromMinutes(5)).Should().BeTrue(store.LastHnswError?.ToString());

        double hits = 0, filteredHits = 0;
        for (var q = 0; q < queries.Length; q++)
        {
            var approximate = store.Search(queries[q], 10);
            approximate.Strategy.Should().Be(SearchStrategy.Hnsw);
            hits += approximate.Results.Count(r => exact[q].Contains(r.Id));

            var filtered = store.Search(queries[q], 10, "success_rate > 0.8");
            filtered.Strategy.Should().Be(SearchStrategy.HnswPostFiltered);
            filtered.Results.Should().OnlyContain(r => r.SuccessRate > 0.8);
            filteredHits += filtered.Results.Count(r => exactFiltered[q].Contains(r.Id));
        }

        var recall = hits / (queries.Length * 10);
        var filteredRecall = filteredHits / (queries.Length * 10);
        output.WriteLine($"recall@10 {recall:F3}, filtered recall@10 {filteredRecall:F3}");
        // Measured 0.974 (unfiltered) and 0.964 (post-filtered) with the default beam widths (128/128).
        recall.Should().BeGreaterThanOrEqualTo(0.95, $"filtered recall was {filteredRecall}");
        filteredRecall.Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Fact]
    public void Hnsw_stays_current_after_upserts_and_updates()
    {
        var vectors = TestVectors.Clustered(1200, 30, 0.8, seed: 5);
        var options = new VectorMemoryStoreOptions { HnswThreshold = 1000 };
        using var store = VectorMemoryStore.Open(_folder.StorePath, options);
        store.Upsert(vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"cmd-{i}", v))).ToList());
        store.WaitForHnsw(TimeSpan.FromMinutes(5)).Should().BeTrue();

        var fresh = TestVectors.Basis(77);
        store.Upsert(5000, TestVectors.Record("brand-new", fresh));
        store.Search(fresh, 1).Results[0].Command.Should().Be("brand-new");

        var moved = TestVectors.Basis(99);
        store.Upsert(5001, TestVectors.Record("cmd-3", moved, text: "moved"));
        var hit = store.Search(moved, 1);
        hit.Strategy.Should().Be(SearchStrategy.Hnsw);
        hit.Results[0].Command.Should().Be("cmd-3");
        hit.Results[0].Text.Should().Be("moved");
        store.Search(vectors[3], 10).Results.Should().NotContain(r => r.Command == "cmd-3" && r.Similarity > 0.99);
    }

    [Fact]
    public void Reopening_a_large_store_rebuilds_the_graph_in_the_background()
    {
        var vectors = TestVectors.Clustered(1100, 30, 0.8, seed: 8);
        var options = new VectorMemoryStoreOptions { HnswThreshold = 1000 };
        using (var store = VectorMemoryStore.Open(_folder.StorePath, options))
        {
            store.Upsert(vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"cmd-{i}", v))).ToList());
        }

        using var reopened = VectorMemoryStore.Open(_folder.StorePath, options);
        reopened.WaitForHnsw(TimeSpan.FromMinutes(5)).Should().BeTrue();
        reopened.Search(vectors[42], 1).Results[0].Command.Should().Be("cmd-42");
    }

    [Fact]
    public void A_reset_during_a_build_drops_the_graph_and_a_later_build_serves_the_new_memories()
    {
        var vectors = TestVectors.Clustered(1100, 30, 0.8, seed: 9);
        var options = new VectorMemoryStoreOptions { HnswThreshold = 1000 };
        using var store = VectorMemoryStore.Open(_folder.StorePath, options);
        store.Upsert(vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"cmd-{i}", v))).ToList());

        // The build started by the upsert is abandoned (cancelled, not waited for) whether or not it has finished.
        store.ResetForEmbedder("other-embedder");
        store.IsHnswReady.Should().BeFalse();
        store.Count.Should().Be(0);

        store.Upsert(vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"new-{i}", v, embedder: "other-embedder"))).ToList());
        store.WaitForHnsw(TimeSpan.FromMinutes(5)).Should().BeTrue(store.LastHnswError?.ToString());
        var hit = store.Search(vectors[7], 1);
        hit.Strategy.Should().Be(SearchStrategy.Hnsw);
        hit.Results[0].Command.Should().Be("new-7");
    }
}

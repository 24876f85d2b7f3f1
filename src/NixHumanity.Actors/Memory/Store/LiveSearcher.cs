using NixHumanity.Actors.Memory.Where;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// Top-k search over the live version: exact SIMD scans (all rows or the rows a prefilter allows), or the HNSW graph
/// for large collections, whose candidates are always re-scored from the exact float32 rows. Prefilter results are
/// cached per predicate until the next change (<see cref="InvalidateFilters"/>).
/// </summary>
internal sealed class LiveSearcher(LiveMemories live, HnswLifecycle hnsw, MemoryTable table, VectorMemoryStoreOptions options)
{
    private const int FilterCacheSize = 32;

    private readonly Dictionary<string, int[]> _filterCache = new(StringComparer.Ordinal);

    /// <summary>Forgets cached prefilter results; called whenever the live rows change.</summary>
    public void InvalidateFilters() => _filterCache.Clear();

    /// <summary>Top-k memories for the normalised <paramref name="query"/> at the live <paramref name="version"/>.</summary>
    public MemorySearchResponse Search(float[] query, int k, WherePredicate? predicate, long version)
    {
        var graph = hnsw.Ready;
        var candidates = predicate is null ? null : Filter(predicate);
        var simWeight = (float)options.SimilarityWeight;
        var successWeight = (float)options.SuccessRateWeight;
        var candidateCount = candidates?.Length ?? live.Count;
        if (graph is not null && live.Count >= options.HnswThreshold)
        {
            if (candidates is null)
            {
                // Blending can promote a slightly less similar but more successful row, so fetch extra candidates.
                var fetch = successWeight > 0 ? Math.Min(live.Count, Math.Max(k * 4, 64)) : k;
                var top = RankCandidates(query, k, graph.Search(query, fetch), null, simWeight, successWeight);
                return Respond(top, version, SearchStrategy.Hnsw, candidateCount);
            }

            if (candidates.Length > options.ExactFilteredMaxRows)
            {
                var top = SearchGraphFiltered(graph, query, k, candidates, simWeight, successWeight);
                if (top.Count >= Math.Min(k, candidates.Length))
                {
                    return Respond(top, version, SearchStrategy.HnswPostFiltered, candidateCount);
                }
            }
        }

        var exact = live.Matrix.Search(query, k, candidates, simWeight, successWeight, options.ParallelScanMinRows, options.ScanThreads);
        return Respond(exact, version, candidates is null ? SearchStrategy.Exact : SearchStrategy.ExactFiltered, candidateCount);
    }

    private TopK SearchGraphFiltered(HnswIndex graph, float[] query, int k, int[] candidates, float simWeight, float successWeight)
    {
        var allowed = new bool[live.Count];
        foreach (var ord in candidates)
        {
            allowed[ord] = true;
        }

        // Over-fetch so that about three times k of the graph's neighbours pass the filter.
        var fraction = (double)candidates.Length / live.Count;
        var fetch = (int)Math.Min(live.Count, Math.Ceiling(k * 3 / fraction) + 32);
        return RankCandidates(query, k, graph.Search(query, fetch), allowed, simWeight, successWeight);
    }

    private TopK RankCandidates(float[] query, int k, ulong[] keys, bool[]? allowed, float simWeight, float successWeight)
    {
        var top = new TopK(k);
        foreach (var key in keys)
        {
            var ord = (int)key;
            if (ord >= live.Count || (allowed is not null && !allowed[ord]))
            {
                continue;
            }

            // Recompute similarity from the exact float32 row: the graph only proposes candidates.
            var similarity = live.Matrix.Similarity(ord, query);
            top.Offer(ord, (simWeight * similarity) + (successWeight * live.Matrix.SuccessRate(ord)), similarity);
        }

        return top;
    }

    private MemorySearchResponse Respond(TopK top, long version, SearchStrategy strategy, int candidates)
    {
        var results = new MemorySearchResult[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            results[i] = live[top.Ord(i)].ToResult(top.Score(i), top.Similarity(i));
        }

        return new MemorySearchResponse(results, version, strategy, candidates);
    }

    private int[] Filter(WherePredicate predicate)
    {
        if (options.CacheFilterResults && _filterCache.TryGetValue(predicate.Sql, out var cached))
        {
            return cached;
        }

        var ords = table.MatchingOrds(predicate, null);
        if (options.CacheFilterResults)
        {
            if (_filterCache.Count >= FilterCacheSize)
            {
                _filterCache.Clear();
            }

            _filterCache[predicate.Sql] = ords;
        }

        return ords;
    }
}

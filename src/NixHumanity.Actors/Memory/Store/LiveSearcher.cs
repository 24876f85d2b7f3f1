using NixHumanity.Actors.Memory.Where;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// Top-k search over the live version: exact SIMD scans (all rows or the rows a prefilter allows), or the HNSW graph
/// for large collections, whose candidates are always re-scored from the exact float32 rows; with a query text, the
/// dense candidates are fused with the lexical channels' (<see cref="ChannelFusion"/>). Prefilter results are cached
/// per predicate until the next change (<see cref="InvalidateFilters"/>).
/// </summary>
internal sealed class LiveSearcher(LiveMemories live, HnswLifecycle hnsw, MemoryTable table, VectorMemoryStoreOptions options)
{
    private const int FilterCacheSize = 32;

    private readonly Dictionary<string, int[]> _filterCache = new(StringComparer.Ordinal);

    /// <summary>Forgets cached prefilter results; called whenever the live rows change.</summary>
    public void InvalidateFilters() => _filterCache.Clear();

    /// <summary>Top-k memories for <paramref name="query"/> (vector normalised) at the live <paramref name="version"/>.</summary>
    public MemorySearchResponse Search(MemoryQuery query, int k, WherePredicate? predicate, long version)
    {
        var candidates = predicate is null ? null : Filter(predicate);
        var candidateCount = candidates?.Length ?? live.Count;
        if (!SearchFusion.IsHybrid(query, options))
        {
            var (top, strategy) = Dense(query.Vector, k, candidates, (float)options.SimilarityWeight, (float)options.SuccessRateWeight);
            return Respond(top, version, strategy, candidateCount);
        }

        return Gather(query, Math.Max(k, options.ChannelCandidates), candidates, options, version).Fuse(k, options);
    }

    /// <summary>
    /// What the channels that <paramref name="channels"/> turns on find for <paramref name="query"/> (text and
    /// normalised vector), each proposing its top <paramref name="depth"/> among the allowed rows.
    /// </summary>
    public QueryEvidence Gather(MemoryQuery query, int depth, WherePredicate? predicate, VectorMemoryStoreOptions channels, long version) =>
        Gather(query, depth, predicate is null ? null : Filter(predicate), channels, version);

    private QueryEvidence Gather(MemoryQuery query, int depth, int[]? candidates, VectorMemoryStoreOptions channels, long version)
    {
        var denseStrategy = candidates is null ? SearchStrategy.Exact : SearchStrategy.ExactFiltered;
        IReadOnlyList<int> dense = [];
        if (channels.DenseWeight > 0)
        {
            (var denseTop, denseStrategy) = Dense(query.Vector, depth, candidates, 1, 0);
            dense = Enumerable.Range(0, denseTop.Count).Select(denseTop.Ord).ToList();
        }

        var (lexical, typo) = live.Lexical.Score(query.Text!, SearchFusion.Mask(candidates, live.Count), channels);
        return new QueryEvidence(
            depth, dense, ord => live.Matrix.Similarity(ord, query.Vector), lexical, typo, live.Matrix.SuccessRate, hit => live[hit.Doc].ToResult(hit),
            version, denseStrategy, candidates?.Length ?? live.Count, channels);
    }

    private (TopK Top, SearchStrategy Strategy) Dense(float[] query, int k, int[]? candidates, float simWeight, float successWeight)
    {
        var graph = hnsw.Ready;
        if (graph is not null && live.Count >= options.HnswThreshold)
        {
            if (candidates is null)
            {
                // Blending can promote a slightly less similar but more successful row, so fetch extra candidates.
                var fetch = successWeight > 0 ? Math.Min(live.Count, Math.Max(k * 4, 64)) : k;
                return (RankCandidates(query, k, graph.Search(query, fetch), null, simWeight, successWeight), SearchStrategy.Hnsw);
            }

            if (candidates.Length > options.ExactFilteredMaxRows)
            {
                var top = SearchGraphFiltered(graph, query, k, candidates, simWeight, successWeight);
                if (top.Count >= Math.Min(k, candidates.Length))
                {
                    return (top, SearchStrategy.HnswPostFiltered);
                }
            }
        }

        var exact = live.Matrix.Search(query, k, candidates, simWeight, successWeight, options.ParallelScanMinRows, options.ScanThreads);
        return (exact, candidates is null ? SearchStrategy.Exact : SearchStrategy.ExactFiltered);
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

        return SearchFusion.Respond(results, results.Select(r => r.Confidence).DefaultIfEmpty(0).Max(), version, strategy, candidates, options);
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

using NixHumanity.Actors.Memory.Where;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// An older table version loaded for time travel: its visible rows and an exact matrix over them (positions are
/// dense, unlike the ordinals, which may have gaps at an old version), and the lexical channels over exactly those
/// rows, built on the first text search of this version. The store keeps the last one it loaded.
/// </summary>
internal sealed class HistoricalSnapshot
{
    private readonly VectorMatrix _matrix;
    private readonly List<MemoryEntry> _entries = [];
    private readonly Dictionary<int, int> _positionByOrd = [];
    private LexicalChannels? _lexical;

    private HistoricalSnapshot(long version, VectorMatrix matrix)
    {
        Version = version;
        _matrix = matrix;
    }

    /// <summary>The version it shows.</summary>
    public long Version { get; }

    /// <summary>Reads the rows visible at <paramref name="version"/>.</summary>
    public static HistoricalSnapshot Load(MemoryTable table, long version, VectorMemoryStoreOptions options)
    {
        var snapshot = new HistoricalSnapshot(version, new VectorMatrix(table.Dimensions, quantizedScanMinRows: options.QuantizedScanMinRows));
        table.ReadRowsAt(version, snapshot.Add);
        return snapshot;
    }

    /// <summary>Exact top-k over this version, optionally restricted by <paramref name="predicate"/> evaluated at it.</summary>
    public MemorySearchResponse Search(MemoryQuery query, int k, WherePredicate? predicate, MemoryTable table, VectorMemoryStoreOptions options)
    {
        int[]? candidates = null;
        if (predicate is not null)
        {
            candidates = table.MatchingOrds(predicate, Version)
                .Select(o => _positionByOrd.TryGetValue(o, out var p) ? p : -1)
                .Where(p => p >= 0)
                .ToArray();
        }

        var candidateCount = candidates?.Length ?? _entries.Count;
        if (SearchFusion.IsHybrid(query, options))
        {
            return SearchHybrid(query, k, candidates, candidateCount, options);
        }

        var top = _matrix.Search(query.Vector, k, candidates, (float)options.SimilarityWeight, (float)options.SuccessRateWeight, options.ParallelScanMinRows, options.ScanThreads);
        var results = new MemorySearchResult[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            results[i] = _entries[top.Ord(i)].ToResult(top.Score(i), top.Similarity(i));
        }

        var best = results.Select(r => r.Confidence).DefaultIfEmpty(0).Max();
        return SearchFusion.Respond(results, best, Version, SearchStrategy.ExactHistorical, candidateCount, options);
    }

    private MemorySearchResponse SearchHybrid(MemoryQuery query, int k, int[]? candidates, int candidateCount, VectorMemoryStoreOptions options)
    {
        IReadOnlyList<int> dense = [];
        if (options.DenseWeight > 0)
        {
            var top = _matrix.Search(query.Vector, Math.Max(k, options.ChannelCandidates), candidates, 1, 0, options.ParallelScanMinRows, options.ScanThreads);
            dense = Enumerable.Range(0, top.Count).Select(top.Ord).ToList();
        }

        var (lexical, typo) = Lexical().Score(query.Text!, SearchFusion.Mask(candidates, _entries.Count), options);
        var (fused, best) = ChannelFusion.Fuse(k, dense, p => _matrix.Similarity(p, query.Vector), lexical, typo, _matrix.SuccessRate, options);
        var results = fused.Select(hit => _entries[hit.Doc].ToResult(hit)).ToList();
        return SearchFusion.Respond(results, best, Version, SearchStrategy.ExactHistorical, candidateCount, options);
    }

    private LexicalChannels Lexical()
    {
        if (_lexical is null)
        {
            _lexical = new LexicalChannels();
            for (var position = 0; position < _entries.Count; position++)
            {
                _lexical.Set(position, null, _entries[position]);
            }
        }

        return _lexical;
    }

    private void Add(MemoryEntry entry, ReadOnlySpan<float> vector)
    {
        _positionByOrd[entry.Ord] = _entries.Count;
        _matrix.Set(_entries.Count, vector, entry.SuccessRate);
        _entries.Add(entry);
    }
}

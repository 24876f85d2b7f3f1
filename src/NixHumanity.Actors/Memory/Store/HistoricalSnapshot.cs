using NixHumanity.Actors.Memory.Where;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// An older table version loaded for time travel: its visible rows and an exact matrix over them (positions are
/// dense, unlike the ordinals, which may have gaps at an old version). The store keeps the last one it loaded.
/// </summary>
internal sealed class HistoricalSnapshot
{
    private readonly VectorMatrix _matrix;
    private readonly List<MemoryEntry> _entries = [];
    private readonly Dictionary<int, int> _positionByOrd = [];

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
        var snapshot = new HistoricalSnapshot(version, new VectorMatrix(VectorMemoryStore.Dimensions, quantizedScanMinRows: options.QuantizedScanMinRows));
        table.ReadRowsAt(version, snapshot.Add);
        return snapshot;
    }

    /// <summary>Exact top-k over this version, optionally restricted by <paramref name="predicate"/> evaluated at it.</summary>
    public MemorySearchResponse Search(float[] query, int k, WherePredicate? predicate, MemoryTable table, VectorMemoryStoreOptions options)
    {
        int[]? candidates = null;
        if (predicate is not null)
        {
            candidates = table.MatchingOrds(predicate, Version)
                .Select(o => _positionByOrd.TryGetValue(o, out var p) ? p : -1)
                .Where(p => p >= 0)
                .ToArray();
        }

        var top = _matrix.Search(query, k, candidates, (float)options.SimilarityWeight, (float)options.SuccessRateWeight, options.ParallelScanMinRows, options.ScanThreads);
        var results = new MemorySearchResult[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            results[i] = _entries[top.Ord(i)].ToResult(top.Score(i), top.Similarity(i));
        }

        return new MemorySearchResponse(results, Version, SearchStrategy.ExactHistorical, candidates?.Length ?? _entries.Count);
    }

    private void Add(MemoryEntry entry, float[] vector)
    {
        _positionByOrd[entry.Ord] = _entries.Count;
        _matrix.Set(_entries.Count, vector, entry.SuccessRate);
        _entries.Add(entry);
    }
}

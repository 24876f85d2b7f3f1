using System.Reflection;
using Cloud.Unum.USearch;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The USearch HNSW graph over the live rows of a <see cref="VectorMatrix"/>, keyed by memory ordinal.
/// Built on background threads from a snapshot; the owner swaps it in (<see cref="VectorMemoryStore"/>) and keeps it
/// current incrementally afterwards. Not thread-safe apart from the build itself.
/// </summary>
internal sealed class HnswIndex : IDisposable
{
    // The managed binding grows capacity by exactly one on every single Add and keeps its reserve method private;
    // the native index only allows concurrent adds into reserved capacity. Reserving through the private method
    // (pinned package version 2.26.6) lets the build add from several threads and avoids a reallocation per add.
    // Without it the build falls back to one thread.
    private static readonly MethodInfo? _reserve =
        typeof(USearchIndex).GetMethod("IncreaseCapacity", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(ulong)]);

    private readonly USearchIndex _index;
    private readonly int _dimensions;

    private HnswIndex(USearchIndex index, int dimensions, int rows)
    {
        _index = index;
        _dimensions = dimensions;
        Rows = rows;
    }

    /// <summary>Ordinals 0..Rows-1 were added by the build.</summary>
    public int Rows { get; }

    /// <summary>Builds an index over rows 0..<paramref name="rows"/>-1 of <paramref name="data"/> (row-major).</summary>
    public static HnswIndex Build(float[] data, int rows, int dimensions, VectorMemoryStoreOptions options, CancellationToken cancellationToken)
    {
        var index = new USearchIndex(
            MetricKind.Cos,
            ScalarKind.Float32,
            (ulong)dimensions,
            (ulong)options.HnswConnectivity,
            (ulong)options.HnswExpansionAdd,
            (ulong)options.HnswExpansionSearch);
        try
        {
            var parallel = options.HnswBuildThreads > 1 && TryReserve(index, (ulong)rows);
            var parallelOptions = new ParallelOptions
            {
                MaxDegreeOfParallelism = parallel ? options.HnswBuildThreads : 1,
                CancellationToken = cancellationToken,
            };
            Parallel.For(0, rows, parallelOptions, ord =>
            {
                var vector = data.AsSpan(ord * dimensions, dimensions).ToArray();
                index.Add((ulong)ord, vector);
            });
            return new HnswIndex(index, dimensions, rows);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Adds or replaces the vectors of <paramref name="ords"/> (owner thread).</summary>
    public void Upsert(IReadOnlyCollection<int> ords, VectorMatrix matrix)
    {
        TryReserve(_index, (ulong)ords.Count);
        foreach (var ord in ords)
        {
            var key = (ulong)ord;
            if (_index.Contains(key))
            {
                _index.Remove(key);
            }

            _index.Add(key, matrix.Row(ord).ToArray());
        }
    }

    /// <summary>Approximate nearest ordinals to <paramref name="query"/> (normalised), at most <paramref name="count"/>.</summary>
    public ulong[] Search(float[] query, int count)
    {
        if (query.Length != _dimensions)
        {
            throw new ArgumentException("query dimension mismatch", nameof(query));
        }

        _index.Search(query, count, out var keys, out _);
        return keys;
    }

    /// <inheritdoc />
    public void Dispose() => _index.Dispose();

    private static bool TryReserve(USearchIndex index, ulong additional)
    {
        if (_reserve is null)
        {
            return false;
        }

        _reserve.Invoke(index, [additional]);
        return true;
    }
}

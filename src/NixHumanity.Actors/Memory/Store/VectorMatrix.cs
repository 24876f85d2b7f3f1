using System.Numerics.Tensors;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// Contiguous row-major float32 matrix of L2-normalised vectors, one row per memory ordinal, with exact top-k by
/// dot product (= cosine on normalised rows) blended with a per-row success rate.
/// </summary>
/// <remarks>
/// One contiguous array keeps the scan cache- and SIMD-friendly (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>).
/// Growth allocates a new array and copies, so a background HNSW build that still holds the old array keeps
/// reading a stable (possibly stale) copy; the store re-adds rows changed meanwhile.
/// </remarks>
internal sealed class VectorMatrix
{
    private float[] _data;
    private float[] _successRates;

    public VectorMatrix(int dimensions, int capacity = 1024)
    {
        Dimensions = dimensions;
        capacity = Math.Max(capacity, 16);
        _data = new float[(long)capacity * dimensions];
        _successRates = new float[capacity];
    }

    public int Dimensions { get; }

    public int Count { get; private set; }

    /// <summary>The backing array as of now (rows 0..Count-1 valid); see remarks on growth.</summary>
    public float[] Data => _data;

    public ReadOnlySpan<float> Row(int ord) => _data.AsSpan(ord * Dimensions, Dimensions);

    public float SuccessRate(int ord) => _successRates[ord];

    public void Set(int ord, ReadOnlySpan<float> vector, double successRate)
    {
        if (ord > Count)
        {
            throw new InvalidOperationException($"ordinal {ord} would leave a gap (count {Count})");
        }

        if (ord == Count)
        {
            EnsureCapacity(Count + 1);
            Count++;
        }

        vector.CopyTo(_data.AsSpan(ord * Dimensions, Dimensions));
        _successRates[ord] = (float)successRate;
    }

    public void Clear() => Count = 0;

    public float Similarity(int ord, ReadOnlySpan<float> query) => TensorPrimitives.Dot(Row(ord), query);

    /// <summary>
    /// Exact top-k over all rows (<paramref name="candidates"/> null) or over the listed ordinals. From
    /// <paramref name="parallelMinRows"/> rows on, the scan is split across <paramref name="threads"/> threads, each
    /// keeping its own top-k, merged at the end (the matrix is only read, so this is safe for the single owner).
    /// </summary>
    public TopK Search(float[] query, int k, int[]? candidates, float similarityWeight, float successWeight, int parallelMinRows = int.MaxValue, int threads = 1)
    {
        var rows = candidates?.Length ?? Count;
        var parts = Math.Min(threads, Math.Max(1, rows / Math.Max(1, parallelMinRows / 2)));
        if (rows < parallelMinRows || parts < 2)
        {
            return ScanRange(query, k, candidates, 0, rows, similarityWeight, successWeight);
        }

        var partial = new TopK[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var from = (int)((long)rows * part / parts);
            var to = (int)((long)rows * (part + 1) / parts);
            partial[part] = ScanRange(query, k, candidates, from, to, similarityWeight, successWeight);
        });

        var merged = new TopK(k);
        foreach (var top in partial)
        {
            for (var i = 0; i < top.Count; i++)
            {
                merged.Offer(top.Ord(i), top.Score(i), top.Similarity(i));
            }
        }

        return merged;
    }

    private TopK ScanRange(ReadOnlySpan<float> query, int k, int[]? candidates, int from, int to, float similarityWeight, float successWeight)
    {
        var top = new TopK(k);
        var data = _data.AsSpan();
        var dims = Dimensions;
        for (var i = from; i < to; i++)
        {
            var ord = candidates is null ? i : candidates[i];
            var similarity = TensorPrimitives.Dot(data.Slice(ord * dims, dims), query);
            top.Offer(ord, (similarityWeight * similarity) + (successWeight * _successRates[ord]), similarity);
        }

        return top;
    }

    private void EnsureCapacity(int rows)
    {
        if ((long)rows * Dimensions <= _data.Length)
        {
            return;
        }

        var newRows = Math.Max(rows, _successRates.Length * 2);
        var data = new float[(long)newRows * Dimensions];
        Array.Copy(_data, data, (long)Count * Dimensions);
        _data = data;
        Array.Resize(ref _successRates, newRows);
    }
}

/// <summary>Bounded best-k collector kept sorted best first (k ≤ 1,000, so insertion is cheap).</summary>
internal sealed class TopK
{
    private readonly int[] _ords;
    private readonly float[] _scores;
    private readonly float[] _similarities;

    public TopK(int k)
    {
        _ords = new int[k];
        _scores = new float[k];
        _similarities = new float[k];
    }

    public int Count { get; private set; }

    public int Ord(int i) => _ords[i];

    public float Score(int i) => _scores[i];

    public float Similarity(int i) => _similarities[i];

    public void Offer(int ord, float score, float similarity)
    {
        var k = _ords.Length;
        if (Count == k && score <= _scores[k - 1])
        {
            return;
        }

        var i = Count == k ? k - 1 : Count++;
        while (i > 0 && _scores[i - 1] < score)
        {
            _ords[i] = _ords[i - 1];
            _scores[i] = _scores[i - 1];
            _similarities[i] = _similarities[i - 1];
            i--;
        }

        _ords[i] = ord;
        _scores[i] = score;
        _similarities[i] = similarity;
    }
}

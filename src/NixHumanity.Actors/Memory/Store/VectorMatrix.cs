using System.Buffers;
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
/// Large scans first read an int8 copy of the rows (<see cref="QuantizedRows"/>) with a guaranteed error bound
/// and recompute from float32 only the rows that could still reach the top k, so they stay exact while reading
/// about a quarter of the memory.
/// </remarks>
internal sealed class VectorMatrix
{
    /// <summary>
    /// Added to every quantisation bound, in similarity units: covers float32 rounding of the exact dot product
    /// (at most ≈ 384 · 2⁻²⁴ ≈ 2.3e-5 for unit vectors) and of the bound arithmetic itself.
    /// </summary>
    private const float BoundSlack = 1e-4f;

    /// <summary>How many candidates ahead a filtered int8 scan asks for rows to be fetched.</summary>
    private const int PrefetchDistance = 8;

    private readonly QuantizedRows? _quantized;
    private float[] _data;
    private float[] _successRates;

    /// <summary>Creates an empty matrix.</summary>
    /// <param name="dimensions">Length of every row.</param>
    /// <param name="capacity">
    /// Initial row capacity (default 16; it doubles as rows arrive). Every running memory holds one matrix, so a
    /// reserve of 1,024 rows cost 1.5 MB per person, most of what an active user weighed on the managed heap
    /// (docs/adr/0030).
    /// </param>
    /// <param name="quantizedScanMinRows">
    /// Scans over at least this many rows use the bounded int8 pass first; <see cref="int.MaxValue"/> turns it off
    /// (it is off anyway when the CPU lacks the SIMD kernel).
    /// </param>
    public VectorMatrix(int dimensions, int capacity = 16, int quantizedScanMinRows = int.MaxValue)
    {
        Dimensions = dimensions;
        capacity = Math.Max(capacity, 16);
        _data = new float[(long)capacity * dimensions];
        _successRates = new float[capacity];
        QuantizedScanMinRows = quantizedScanMinRows;
        if (quantizedScanMinRows != int.MaxValue && QuantizedRows.IsAccelerated && dimensions <= QuantizedRows.MaxDimensions)
        {
            _quantized = new QuantizedRows(dimensions, capacity);
        }
    }

    /// <summary>Scans of at least this many rows read the int8 copy first (when the CPU supports it).</summary>
    public int QuantizedScanMinRows { get; }

    /// <summary>Rows recomputed in float32 by the last bounded int8 scan (0 when the last scan was plain float32).</summary>
    public int LastRescoredRows { get; private set; }

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
        _quantized?.Set(ord, vector);
    }

    public void Clear() => Count = 0;

    /// <summary>
    /// Makes room for <paramref name="rows"/> rows and counts them as present, so rows read in any order can be
    /// <see cref="Set"/> by ordinal; each must then be set before the matrix is searched.
    /// </summary>
    public void Resize(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, Count);
        EnsureCapacity(rows);
        Count = rows;
    }

    public float Similarity(int ord, ReadOnlySpan<float> query) => TensorPrimitives.Dot(Row(ord), query);

    /// <summary>
    /// Exact top-k over all rows (<paramref name="candidates"/> null) or over the listed ordinals. From
    /// <paramref name="parallelMinRows"/> rows on, the scan is split across <paramref name="threads"/> threads, each
    /// keeping its own top-k, merged at the end (the matrix is only read, so this is safe for the single owner).
    /// </summary>
    public TopK Search(float[] query, int k, int[]? candidates, float similarityWeight, float successWeight, int parallelMinRows = int.MaxValue, int threads = 1)
    {
        var rows = candidates?.Length ?? Count;
        var quantizedQuery = _quantized is not null && rows >= QuantizedScanMinRows ? _quantized.QuantizeQuery(query) : null;
        var scan = new Scan(query, quantizedQuery, k, candidates, similarityWeight, successWeight);
        var parts = Math.Min(threads, Math.Max(1, rows / Math.Max(1, parallelMinRows / 2)));
        if (rows < parallelMinRows || parts < 2)
        {
            var single = ScanRange(scan, 0, rows, out var rescored);
            LastRescoredRows = rescored;
            return single;
        }

        var partial = new TopK[parts];
        var rescoredByPart = new int[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var from = (int)((long)rows * part / parts);
            var to = (int)((long)rows * (part + 1) / parts);
            partial[part] = ScanRange(scan, from, to, out rescoredByPart[part]);
        });

        LastRescoredRows = rescoredByPart.Sum();

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

    private TopK ScanRange(in Scan scan, int from, int to, out int rescored)
    {
        if (scan.QuantizedQuery is null)
        {
            rescored = 0;
            return ScanFloat(scan, from, to);
        }

        return ScanBounded(scan, from, to, out rescored);
    }

    private TopK ScanFloat(in Scan scan, int from, int to)
    {
        var top = new TopK(scan.K);
        for (var i = from; i < to; i++)
        {
            OfferExact(top, scan, scan.Candidates is null ? i : scan.Candidates[i]);
        }

        return top;
    }

    /// <summary>Scores row <paramref name="ord"/> exactly in float32 and offers it to <paramref name="top"/>.</summary>
    private void OfferExact(TopK top, in Scan scan, int ord)
    {
        var similarity = TensorPrimitives.Dot(Row(ord), scan.Query);
        top.Offer(ord, (scan.SimilarityWeight * similarity) + (scan.SuccessWeight * _successRates[ord]), similarity);
    }

    /// <summary>
    /// Pass 1 estimates every row from the int8 copy and finds the k-th best guaranteed lower bound; pass 2
    /// recomputes in float32 only the rows whose upper bound reaches it. No row of the exact top k can be skipped:
    /// the k rows behind the threshold all score at least that much.
    /// </summary>
    private TopK ScanBounded(in Scan scan, int from, int to, out int rescored)
    {
        var quantized = _quantized!;
        var query = scan.QuantizedQuery!;
        var count = to - from;
        var upper = ArrayPool<float>.Shared.Rent(count);
        try
        {
            var lowest = new TopK(scan.K);
            var candidates = scan.Candidates;
            for (var i = from; i < to; i++)
            {
                int ord;
                if (candidates is null)
                {
                    ord = i;
                }
                else
                {
                    ord = candidates[i];
                    if (i + PrefetchDistance < to)
                    {
                        quantized.Prefetch(candidates[i + PrefetchDistance]);
                    }
                }

                var (estimate, bound) = quantized.Estimate(ord, query);
                bound += BoundSlack;
                var success = scan.SuccessWeight * _successRates[ord];
                upper[i - from] = (scan.SimilarityWeight * (estimate + bound)) + success;
                lowest.Offer(ord, (scan.SimilarityWeight * (estimate - bound)) + success, 0);
            }

            var threshold = lowest.Count == scan.K ? lowest.Score(scan.K - 1) : float.NegativeInfinity;
            var top = new TopK(scan.K);
            rescored = 0;
            for (var i = from; i < to; i++)
            {
                if (upper[i - from] < threshold)
                {
                    continue;
                }

                OfferExact(top, scan, candidates is null ? i : candidates[i]);
                rescored++;
            }

            return top;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(upper);
        }
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
        _quantized?.EnsureCapacity(newRows, Count);
    }

    /// <summary>One search's inputs, shared by the scan's parts.</summary>
    private readonly record struct Scan(float[] Query, QuantizedQuery? QuantizedQuery, int K, int[]? Candidates, float SimilarityWeight, float SuccessWeight);
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

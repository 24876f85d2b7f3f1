using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// An int8 copy of the vector rows with, per row, the scale and the exact norm of its quantisation error, so that
/// an approximate similarity comes with a guaranteed error bound.
/// </summary>
/// <remarks>
/// <para>
/// Why: an exact scan of 100k 384-d float32 rows streams 154 MB and is memory-bound. The int8 copy is a quarter of
/// that. <see cref="VectorMatrix"/> scans it first, keeps every row whose similarity <em>could</em> still reach the
/// top k given the bound, and recomputes only those from the float32 rows. The result is the exact top k, not an
/// approximation: a row is skipped only when its upper bound is below the k-th best lower bound.
/// </para>
/// <para>
/// The bound. Row x is stored as s·a (a int8, s = max|x|/127); the query q as t·b (b int16, t = max|q|/32767). With
/// x̂ = s·a and q̂ = t·b, q·x − q̂·x̂ = (q − q̂)·x + q̂·(x − x̂), so by Cauchy–Schwarz
/// |q·x − s·t·(a·b)| ≤ ‖q − q̂‖·‖x‖ + ‖q̂‖·‖x − x̂‖. Both row terms are computed in double when the row is stored;
/// the integer dot a·b is exact (each 16-lane step adds at most 2·127·32767 per lane, so 384 dimensions stay far
/// inside int32).
/// </para>
/// <para>
/// The integer kernel uses AVX2 (sign-extend int8 to int16, then multiply-add adjacent pairs into int32).
/// <see cref="IsAccelerated"/> is false on other CPUs, and the matrix then scans float32 directly instead.
/// </para>
/// </remarks>
internal sealed class QuantizedRows
{
    /// <summary>Largest dimension count for which the int32 accumulation is proven not to overflow.</summary>
    public const int MaxDimensions = 4096;

    private const float RowLevels = 127f;
    private const float QueryLevels = 32767f;

    private sbyte[] _codes;
    private float[] _scales;
    private float[] _errorNorms;
    private float[] _norms;

    public QuantizedRows(int dimensions, int capacity)
    {
        if (dimensions is < 1 or > MaxDimensions)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"dimensions must be 1..{MaxDimensions}");
        }

        Dimensions = dimensions;
        _codes = new sbyte[(long)capacity * dimensions];
        _scales = new float[capacity];
        _errorNorms = new float[capacity];
        _norms = new float[capacity];
    }

    /// <summary>Whether this CPU runs the int8 kernel in SIMD (otherwise a float32 scan is faster).</summary>
    public static bool IsAccelerated => Avx2.IsSupported;

    public int Dimensions { get; }

    /// <summary>Grows the storage to hold at least <paramref name="rows"/> rows, keeping the first <paramref name="used"/>.</summary>
    public void EnsureCapacity(int rows, int used)
    {
        if (rows <= _scales.Length)
        {
            return;
        }

        var codes = new sbyte[(long)rows * Dimensions];
        Array.Copy(_codes, codes, (long)used * Dimensions);
        _codes = codes;
        Array.Resize(ref _scales, rows);
        Array.Resize(ref _errorNorms, rows);
        Array.Resize(ref _norms, rows);
    }

    /// <summary>Quantises <paramref name="vector"/> into row <paramref name="ord"/> and records its error bound terms.</summary>
    public void Set(int ord, ReadOnlySpan<float> vector)
    {
        var codes = _codes.AsSpan(ord * Dimensions, Dimensions);
        var scale = Quantize(vector, codes, RowLevels, out var errorNorm, out var norm);
        _scales[ord] = scale;
        _errorNorms[ord] = errorNorm;
        _norms[ord] = norm;
    }

    /// <summary>Quantises a query to int16 codes; returns what <see cref="Estimate"/> needs.</summary>
    public QuantizedQuery QuantizeQuery(ReadOnlySpan<float> query)
    {
        var codes = new short[Dimensions];
        var scale = ScaleFor(query, QueryLevels);
        double errorSquared = 0, quantizedSquared = 0;
        for (var d = 0; d < Dimensions; d++)
        {
            var code = (short)Code(query[d], scale, QueryLevels);
            codes[d] = code;
            var restored = (double)code * scale;
            errorSquared += (query[d] - restored) * (query[d] - restored);
            quantizedSquared += restored * restored;
        }

        return new QuantizedQuery(codes, scale, RoundUp(errorSquared), RoundUp(quantizedSquared));
    }

    /// <summary>
    /// Hints the CPU to fetch row <paramref name="ord"/>'s codes into cache. A filtered scan visits scattered rows,
    /// which the hardware prefetcher does not predict; without the hint such a scan is bound by memory latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int ord)
    {
        if (Sse.IsSupported)
        {
            fixed (sbyte* row = &_codes[(long)ord * Dimensions])
            {
                Sse.Prefetch0(row);
                Sse.Prefetch0(row + 64);
                Sse.Prefetch0(row + 128);
                Sse.Prefetch0(row + 192);
                Sse.Prefetch0(row + 256);
                Sse.Prefetch0(row + 320);
            }
        }
    }

    /// <summary>Approximate similarity of row <paramref name="ord"/> to the query and the bound on its error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float Similarity, float Bound) Estimate(int ord, QuantizedQuery query)
    {
        var dot = Dot(_codes.AsSpan(ord * Dimensions, Dimensions), query.Codes);
        var similarity = (float)((double)_scales[ord] * query.Scale * dot);
        var bound = (query.ErrorNorm * _norms[ord]) + (query.QuantizedNorm * _errorNorms[ord]);
        return (similarity, bound);
    }

    private static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> codes, float levels, out float errorNorm, out float norm)
    {
        var scale = ScaleFor(vector, levels);
        double errorSquared = 0, normSquared = 0;
        for (var d = 0; d < vector.Length; d++)
        {
            var code = (sbyte)Code(vector[d], scale, levels);
            codes[d] = code;
            var error = vector[d] - ((double)code * scale);
            errorSquared += error * error;
            normSquared += (double)vector[d] * vector[d];
        }

        errorNorm = RoundUp(errorSquared);
        norm = RoundUp(normSquared);
        return scale;
    }

    private static float ScaleFor(ReadOnlySpan<float> vector, float levels)
    {
        var max = vector.IsEmpty ? 0f : Math.Abs(TensorPrimitives.MaxMagnitude(vector));
        return max > 0 ? max / levels : 0f;
    }

    private static float Code(float value, float scale, float levels) =>
        scale > 0 ? Math.Clamp(MathF.Round(value / scale), -levels, levels) : 0f;

    /// <summary>√(sum of squares), rounded up by a relative 1e-6 so the float32 copy never understates a bound.</summary>
    private static float RoundUp(double sumOfSquares) => (float)(Math.Sqrt(sumOfSquares) * (1 + 1e-6));

    /// <summary>Exact integer dot product of int8 row codes with int16 query codes.</summary>
    internal static int Dot(ReadOnlySpan<sbyte> row, ReadOnlySpan<short> query)
    {
        var length = row.Length;
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && length >= 16)
        {
            ref var rowRef = ref MemoryMarshal.GetReference(row);
            ref var queryRef = ref MemoryMarshal.GetReference(query);
            var accumulator = Vector256<int>.Zero;
            for (; i <= length - 16; i += 16)
            {
                var rowBytes = Vector128.LoadUnsafe(ref rowRef, (nuint)i);
                var rowWords = Avx2.ConvertToVector256Int16(rowBytes);
                var queryWords = Vector256.LoadUnsafe(ref queryRef, (nuint)i);
                accumulator = Avx2.Add(accumulator, Avx2.MultiplyAddAdjacent(rowWords, queryWords));
            }

            sum = Vector256.Sum(accumulator);
        }

        for (; i < length; i++)
        {
            sum += row[i] * query[i];
        }

        return sum;
    }
}

/// <summary>A query quantised to int16 codes with its scale and the two norms the error bound uses.</summary>
/// <param name="Codes">int16 codes, one per dimension.</param>
/// <param name="Scale">Value of one code step.</param>
/// <param name="ErrorNorm">‖q − q̂‖, the norm of the query's quantisation error.</param>
/// <param name="QuantizedNorm">‖q̂‖, the norm of the quantised query.</param>
internal sealed record QuantizedQuery(short[] Codes, float Scale, float ErrorNorm, float QuantizedNorm);

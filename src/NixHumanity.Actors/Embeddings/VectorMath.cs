using System.Numerics.Tensors;

namespace NixHumanity.Actors.Embeddings;

/// <summary>Small SIMD helpers shared by the embedders (backed by <see cref="TensorPrimitives"/>).</summary>
internal static class VectorMath
{
    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm; a zero vector stays zero.</summary>
    /// <param name="vector">The vector to normalise.</param>
    public static void NormalizeInPlace(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm((ReadOnlySpan<float>)vector);
        // A zero (or denormal) vector has no direction; dividing would produce NaN, which the store rejects.
        if (norm > 1e-12f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
        else
        {
            vector.Clear();
        }
    }

    /// <summary>Dot product; equals the cosine similarity for L2-normalised vectors.</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector of the same length.</param>
    /// <returns>The dot product.</returns>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);
}

using Microsoft.Extensions.AI;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// A host's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> as the memory's <see cref="IEmbedder"/>. Its
/// <see cref="Id"/> names the provider, the model and the dimension, so the store re-embeds its memories when any of
/// them changes. The memory actors call embedders on the store dispatcher's dedicated threads, never the shared
/// pool, so the adapter waits for the generator there; a batch is one <c>GenerateAsync</c> call.
/// </summary>
internal sealed class GeneratorEmbedder : IEmbedder
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;

    /// <summary>Wraps <paramref name="generator"/>, whose vectors were probed to have <paramref name="dimensions"/> components.</summary>
    public GeneratorEmbedder(IEmbeddingGenerator<string, Embedding<float>> generator, int dimensions)
    {
        _generator = generator;
        Dimensions = dimensions;
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Id = $"meai:{metadata?.ProviderName ?? generator.GetType().Name}/{metadata?.DefaultModelId ?? "default"}:{dimensions}";
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public float[] Embed(string text) => EmbedBatch([text])[0];

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The generator returned another number of vectors or another dimension than at start.</exception>
    public float[][] EmbedBatch(IReadOnlyList<string> texts)
    {
        // Called from the store dispatcher's own threads (see akka.conf), never an actor on the shared pool.
        var embeddings = Task.Run(() => _generator.GenerateAsync(texts)).GetAwaiter().GetResult();
        if (embeddings.Count != texts.Count)
        {
            throw new InvalidOperationException($"The embedding generator {Id} returned {embeddings.Count} vectors for {texts.Count} texts.");
        }

        var vectors = new float[texts.Count][];
        for (var i = 0; i < vectors.Length; i++)
        {
            var vector = embeddings[i].Vector.ToArray();
            if (vector.Length != Dimensions)
            {
                throw new InvalidOperationException($"The embedding generator {Id} returned a {vector.Length}-dimensional vector; it gave {Dimensions} at start.");
            }

            vectors[i] = Normalized(vector);
        }

        return vectors;
    }

    /// <summary>L2-normalises in place (the store compares by dot product); the zero vector stays zero.</summary>
    internal static float[] Normalized(float[] vector)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(vector));
        if (norm > 0 && float.IsFinite(norm))
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    /// <summary>The generator belongs to the host's container, which disposes it.</summary>
    public void Dispose()
    {
    }
}

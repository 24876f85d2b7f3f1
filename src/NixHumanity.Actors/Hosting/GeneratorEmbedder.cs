using Microsoft.Extensions.AI;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// A host's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> as the memory's <see cref="IEmbedder"/>. Its
/// <see cref="Id"/> names the provider, the model and the dimension, so the store re-embeds its memories when any of
/// them changes. It is an <see cref="IAsyncEmbedder"/>: the memory actors and the shared embedding service ask
/// <see cref="EmbedBatchAsync"/> and go on with their work until the vectors arrive; a batch is one
/// <c>GenerateAsync</c> call. The synchronous methods (the command line's own verbs) wait for the same call.
/// </summary>
internal sealed class GeneratorEmbedder : IAsyncEmbedder
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
    public float[][] EmbedBatch(IReadOnlyList<string> texts) =>
        // Never called by an actor (they use EmbedBatchAsync); Task.Run keeps a host's synchronization context out.
        Task.Run(() => EmbedBatchAsync(texts)).GetAwaiter().GetResult();

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The generator returned another number of vectors or another dimension than at start.</exception>
    public async Task<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var embeddings = await _generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
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

using Microsoft.Extensions.AI;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// One of the library's embedders (<see cref="HashedNGramEmbedder"/>, the ONNX or packaged MiniLM embedder, …) as a
/// Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, for hosts that want the same vectors
/// the memory uses elsewhere. Embedding runs on the thread pool, off the caller.
/// </summary>
/// <param name="embedder">The embedder; disposed with this generator.</param>
public sealed class NixHumanityEmbeddingGenerator(IEmbedder embedder) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("NixHumanity", null, embedder.Id, embedder.Dimensions);

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        var vectors = await Task.Run(() => embedder.EmbedBatch(texts), cancellationToken).ConfigureAwait(false);
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = embedder.Id }));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType.IsInstanceOfType(embedder) ? embedder
        : null;

    /// <inheritdoc />
    public void Dispose() => embedder.Dispose();
}

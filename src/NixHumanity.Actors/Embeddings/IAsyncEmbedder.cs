namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// An <see cref="IEmbedder"/> whose work happens elsewhere (a host's <c>IEmbeddingGenerator</c>: a remote model, an
/// HTTP service): the memory actors never call its synchronous methods. They ask <see cref="EmbedBatchAsync"/> and
/// apply the vectors when they arrive (<c>PipeTo</c>), so no store thread waits for it (docs/adr/0032).
/// </summary>
internal interface IAsyncEmbedder : IEmbedder
{
    /// <summary>Embeds <paramref name="texts"/>; element <c>i</c> is the L2-normalised vector of <c>texts[i]</c>.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>One vector of <see cref="IEmbedder.Dimensions"/> components per text, in order.</returns>
    Task<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}

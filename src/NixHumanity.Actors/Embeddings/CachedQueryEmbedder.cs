namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// The view of an embedder that a search uses: <see cref="Embed"/> goes through the process's
/// <see cref="QueryEmbeddingCache"/>, batches go straight to the embedder. It does not own the embedder.
/// </summary>
/// <param name="inner">The system's embedder.</param>
/// <param name="cache">The process's query cache.</param>
internal sealed class CachedQueryEmbedder(IEmbedder inner, QueryEmbeddingCache cache) : IEmbedder
{
    /// <inheritdoc />
    public string Id => inner.Id;

    /// <inheritdoc />
    public int Dimensions => inner.Dimensions;

    /// <inheritdoc />
    public float[] Embed(string text) => cache.GetOrEmbed(inner, text);

    /// <inheritdoc />
    public float[][] EmbedBatch(IReadOnlyList<string> texts) => inner.EmbedBatch(texts);

    /// <summary>Does nothing: the embedder belongs to the actor system.</summary>
    public void Dispose()
    {
    }
}

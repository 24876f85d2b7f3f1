using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// What every <see cref="MemoryActor"/> of one actor system shares: the embedder (created once per system, because
/// an ONNX session is expensive; embedders are immutable after construction and safe to call from several actors)
/// and the options. The <c>UserDirectory</c> disposes the embedder when it stops.
/// </summary>
/// <param name="Embedder">The embedder all memories of this system use.</param>
/// <param name="Options">Ranking and suggestion-cache options (catch-up is configured by <see cref="Projections.ProjectionOptions"/>).</param>
internal sealed record MemorySettings(IEmbedder Embedder, MemoryOptions Options)
{
    /// <summary>Query embeddings shared by every memory of this system (a repeated query does not run the model).</summary>
    internal QueryEmbeddingCache QueryCache { get; init; } = new();

    /// <summary>
    /// The folder whose memories share one DuckDB instance locked to it (the data directory's <c>users</c> folder), or
    /// null for an instance per memory (docs/adr/0036).
    /// </summary>
    internal string? SharedStoreFolder { get; init; }
}

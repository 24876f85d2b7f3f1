namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// What <see cref="VectorMemoryStore.Search(MemoryQuery, int, string?, MemoryAsOf?)"/> looks for: the request's text
/// (for the lexical and typo channels) and its embedding (for the dense channel).
/// </summary>
/// <param name="Text">What the person said, or null when the caller has only a vector (then only the dense channel runs).</param>
/// <param name="Vector">The embedding of <paramref name="Text"/>: <see cref="VectorMemoryStore.Dimensions"/> finite values, not all zero.</param>
internal sealed record MemoryQuery(string? Text, float[] Vector);

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// One interaction as the vector store sees it: the command that was run, what the person said, its embedding and
/// how it went. Records with the same <see cref="Command"/> are the same memory (see <see cref="VectorMemoryStore.IdFor"/>).
/// </summary>
/// <param name="Command">The command; the memory's identity. Not blank, at most 1,024 characters.</param>
/// <param name="Text">What the person said. Not blank, at most 4,096 characters.</param>
/// <param name="Vector">The embedding of <see cref="Text"/>: <see cref="VectorMemoryStore.Dimensions"/> finite values, not all zero.
/// The store keeps an L2-normalised copy.</param>
/// <param name="EmbedderId">Which embedder (and model) produced <see cref="Vector"/>.</param>
/// <param name="At">When the interaction happened.</param>
/// <param name="Succeeded">True on success, false on failure, null when the outcome was not reported.</param>
/// <param name="Intent">The intent, if known.</param>
/// <param name="UserSatisfaction">The person's satisfaction in [0,1], if reported.</param>
/// <param name="Confidence">The assistant's confidence in [0,1], if reported.</param>
internal sealed record MemoryRecord(
    string Command,
    string Text,
    float[] Vector,
    string EmbedderId,
    DateTimeOffset At,
    bool? Succeeded,
    string? Intent = null,
    double? UserSatisfaction = null,
    double? Confidence = null);

namespace NixHumanity.Actors.Memory.Store;

/// <summary>The live statistics of one memory.</summary>
/// <param name="Id">The memory id.</param>
/// <param name="Command">The command.</param>
/// <param name="Text">The latest phrasing.</param>
/// <param name="Intent">The latest reported intent.</param>
/// <param name="Attempts">Recordings with a reported outcome.</param>
/// <param name="Successes">Recordings reported successful.</param>
/// <param name="SuccessRate">Successes / attempts (0 before any report).</param>
/// <param name="UserSatisfaction">Mean reported satisfaction, or null.</param>
/// <param name="Confidence">Latest reported confidence, or null.</param>
/// <param name="EmbedderId">The embedder of the stored vector.</param>
/// <param name="SequenceNr">The journal sequence number of the latest recording.</param>
/// <param name="CreatedAt">First recorded.</param>
/// <param name="UpdatedAt">Latest recorded.</param>
internal sealed record MemoryStats(
    string Id,
    string Command,
    string Text,
    string? Intent,
    long Attempts,
    long Successes,
    double SuccessRate,
    double? UserSatisfaction,
    double? Confidence,
    string EmbedderId,
    long SequenceNr,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>A <c>biometrics.duckdb</c> that could not be opened as a store and was moved aside when the store opened.</summary>
/// <param name="Problem">What was found (<c>biometrics.duckdb: a pipe (FIFO), not a store file</c>, or unreadable and why).</param>
/// <param name="SetAsideAs">Where it was moved.</param>
/// <param name="At">When.</param>
internal sealed record BiometricsSetAside(string Problem, string? SetAsideAs, DateTimeOffset At);

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>A fold from the fold log, replayed from the interactions (<see cref="AnalyticsStore.ReplayFolds"/>).</summary>
/// <param name="Stamp">The stamp the fold wrote its fragment with.</param>
/// <param name="ToSeq">The fold's watermark: the last interaction it folded.</param>
/// <param name="Features">How many cells its fragment held (behaviour features, plus the 384 of the preference
/// direction when the memory sent the command embeddings).</param>
/// <param name="Totals">The running counters the fold computed its behaviour features from.</param>
internal sealed record LoggedFold(DateTimeOffset Stamp, long ToSeq, int Features, IReadOnlyDictionary<string, double> Totals);

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>A fold from the fold log, replayed from the interactions (<see cref="AnalyticsStore.ReplayFolds"/>).</summary>
/// <param name="Stamp">The stamp the fold wrote its fragment with.</param>
/// <param name="ToSeq">The fold's watermark: the last interaction it folded.</param>
/// <param name="Features">How many cells its fragment held (behaviour features, plus the d values of the preference
/// direction when the memory sent the command embeddings).</param>
/// <param name="Totals">The running counters the fold computed its behaviour features from.</param>
/// <param name="Direction">The preference direction the fold wrote, as logged with it; null when it wrote none or
/// when it ran before directions were logged (then <see cref="DirectionLogged"/> is false although it wrote one).</param>
internal sealed record LoggedFold(DateTimeOffset Stamp, long ToSeq, int Features, IReadOnlyDictionary<string, double> Totals, float[]? Direction = null)
{
    /// <summary>
    /// False for a fold that wrote a direction (more cells than its behaviour features) but whose log line has none:
    /// one committed before the fold log kept directions.
    /// </summary>
    public bool DirectionLogged(int behaviourCells) => Direction is not null || Features <= behaviourCells;
}

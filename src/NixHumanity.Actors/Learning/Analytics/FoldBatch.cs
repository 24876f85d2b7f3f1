namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>A prepared fold: the interactions after the watermark, aggregated and added to the running totals.</summary>
/// <param name="FromSeq">The watermark before this fold.</param>
/// <param name="FirstSeq">The first folded interaction's sequence number.</param>
/// <param name="ToSeq">The last folded interaction's sequence number (the new watermark).</param>
/// <param name="Interactions">Interactions folded.</param>
/// <param name="Totals">The running counters including them (see <see cref="BehaviourFeatures"/>).</param>
internal sealed record FoldBatch(long FromSeq, long FirstSeq, long ToSeq, long Interactions, IReadOnlyDictionary<string, double> Totals);

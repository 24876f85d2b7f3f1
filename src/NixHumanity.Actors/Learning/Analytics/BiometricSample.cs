namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>One biometric reading (the time-series role of the strategy). All scores are in [0,1].</summary>
/// <param name="Timestamp">When it was measured.</param>
/// <param name="UserId">The person.</param>
/// <param name="Hrv">Heart-rate-variability coherence in [0,1].</param>
/// <param name="AttentionScore">Attention score in [0,1].</param>
/// <param name="FlowState">Flow state in [0,1].</param>
public readonly record struct BiometricSample(DateTimeOffset Timestamp, string UserId, double Hrv, double AttentionScore, double FlowState);

/// <summary>The average flow state over a window.</summary>
/// <param name="Average">The mean <c>flow_state</c>, or <c>null</c> when the window holds no samples.</param>
/// <param name="Samples">How many samples the window holds.</param>
/// <param name="From">Start of the window (exclusive).</param>
/// <param name="To">End of the window (inclusive).</param>
internal sealed record FlowStateAverage(double? Average, long Samples, DateTimeOffset From, DateTimeOffset To);

namespace NixHumanity.Actors.Session;

/// <summary>
/// The flow score: how absorbed the person seems, in [0,1]. A pure function of the session state and the new
/// interaction, so that it is easy to test and so that the journal stores its result rather than depending on it
/// during recovery.
/// </summary>
/// <remarks>
/// The observation for one interaction is the caller's own flow measurement when it supplies one; otherwise a
/// weighted mean of the signals present: cadence (quick successive requests), success streak, HRV coherence and
/// attention. Notifications delivered since the last interaction subtract a penalty. The result is smoothed
/// with an exponential moving average so one slow request does not end flow.
/// </remarks>
internal static class FlowModel
{
    private const double CadenceWeight = 0.4;
    private const double StreakWeight = 0.4;
    private const double HrvWeight = 0.1;
    private const double AttentionWeight = 0.1;

    /// <summary>Gap at or below which cadence counts as fully fluent.</summary>
    internal static readonly TimeSpan FluentGap = TimeSpan.FromSeconds(10);

    /// <summary>Gap at or above which cadence contributes nothing.</summary>
    internal static readonly TimeSpan StalledGap = TimeSpan.FromMinutes(2);

    /// <summary>Successes in a row that count as a full streak.</summary>
    internal const int FullStreak = 5;

    /// <summary>Penalty per delivered notification since the last interaction, and its cap.</summary>
    internal const double InterruptionPenalty = 0.15;
    internal const double MaxInterruptionPenalty = 0.45;

    /// <summary>Cadence signal for the gap since the previous interaction (null: first interaction).</summary>
    public static double Cadence(TimeSpan? gap)
    {
        if (gap is not { } g)
        {
            return 0.3;
        }

        if (g <= FluentGap)
        {
            return 1;
        }

        return g >= StalledGap ? 0 : 1 - (g - FluentGap) / (StalledGap - FluentGap);
    }

    /// <summary>Streak signal for the number of successes in a row.</summary>
    public static double Streak(int successesInARow) => Math.Min(successesInARow, FullStreak) / (double)FullStreak;

    /// <summary>
    /// The smoothed score after an interaction.
    /// </summary>
    /// <param name="previousScore">The score before (0 after an idle reset).</param>
    /// <param name="gap">Time since the previous interaction, or null for the first.</param>
    /// <param name="successesInARow">The streak including this interaction.</param>
    /// <param name="interruptions">Notifications delivered since the previous interaction.</param>
    /// <param name="supplied">The caller's own flow measurement, if any.</param>
    /// <param name="hrv">HRV coherence, if any.</param>
    /// <param name="attention">Attention, if any.</param>
    /// <param name="options">Smoothing and thresholds.</param>
    public static double Next(
        double previousScore,
        TimeSpan? gap,
        int successesInARow,
        int interruptions,
        double? supplied,
        double? hrv,
        double? attention,
        FlowOptions options)
    {
        var observed = supplied ?? WeightedSignals(Cadence(gap), Streak(successesInARow), hrv, attention);
        var penalty = Math.Min(interruptions * InterruptionPenalty, MaxInterruptionPenalty);
        var instant = Math.Clamp(observed - penalty, 0, 1);
        var smoothed = options.Smoothing * instant + (1 - options.Smoothing) * previousScore;
        return Math.Round(Math.Clamp(smoothed, 0, 1), 6);
    }

    private static double WeightedSignals(double cadence, double streak, double? hrv, double? attention)
    {
        var sum = CadenceWeight * cadence + StreakWeight * streak;
        var weight = CadenceWeight + StreakWeight;
        if (hrv is { } h)
        {
            sum += HrvWeight * h;
            weight += HrvWeight;
        }

        if (attention is { } a)
        {
            sum += AttentionWeight * a;
            weight += AttentionWeight;
        }

        return sum / weight;
    }
}

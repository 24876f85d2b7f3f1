namespace NixHumanity.Actors.Session;

/// <summary>Thresholds of the flow detector. Flow starts above <see cref="EnterThreshold"/> and ends below
/// <see cref="ExitThreshold"/>; the gap between them (hysteresis) stops flow from flickering.</summary>
public sealed record FlowOptions
{
    // The hosting validator turns "Flow.EnterThreshold" into the configuration key "NixHumanity:Flow:EnterThreshold".
    private const string Section = "Flow.";

    /// <summary>Score at or above which flow may start. Default 0.7.</summary>
    public double EnterThreshold { get; init; } = 0.7;

    /// <summary>Score below which flow ends. Default 0.4; must be below <see cref="EnterThreshold"/>.</summary>
    public double ExitThreshold { get; init; } = 0.4;

    /// <summary>Consecutive interactions at or above the entry threshold needed to start flow. Default 2.</summary>
    public int EnterAfterInteractions { get; init; } = 2;

    /// <summary>A gap between interactions longer than this ends flow and resets the score. Default 5 minutes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Weight of the newest observation in the smoothed score (0..1]. Default 0.5.</summary>
    public double Smoothing { get; init; } = 0.5;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the setting as it is written under the options' <c>Flow</c> section
    /// (<c>Flow.EnterThreshold</c>, like <c>Memory.*</c> and <c>Projections.*</c>) when the thresholds are inconsistent.
    /// </summary>
    public void Validate()
    {
        if (!(EnterThreshold is > 0 and <= 1))
        {
            throw new ArgumentException("must be in (0,1]", Section + nameof(EnterThreshold));
        }

        if (!(ExitThreshold >= 0 && ExitThreshold < EnterThreshold))
        {
            throw new ArgumentException("must be in [0, EnterThreshold)", Section + nameof(ExitThreshold));
        }

        if (EnterAfterInteractions < 1)
        {
            throw new ArgumentException("must be at least 1", Section + nameof(EnterAfterInteractions));
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("must be positive", Section + nameof(IdleTimeout));
        }

        if (!(Smoothing is > 0 and <= 1))
        {
            throw new ArgumentException("must be in (0,1]", Section + nameof(Smoothing));
        }
    }
}

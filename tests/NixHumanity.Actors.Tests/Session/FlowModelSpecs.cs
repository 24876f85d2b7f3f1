using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.Session;

public sealed class FlowModelSpecs
{
    private static readonly FlowOptions Options = new();
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static (SessionState State, List<ISessionEvent> Events) Play(SessionState state, double? supplied, DateTimeOffset at, InteractionOutcome outcome = InteractionOutcome.Success)
    {
        var events = state.DecideInteraction(new RecordInteraction("u", "s", "t", Outcome: outcome, FlowScore: supplied), Guid.NewGuid().ToString("N"), at, Options).ToList();
        return (events.Aggregate(state, (s, e) => s.Apply(e, Options)), events);
    }

    [Fact]
    public void Cadence_is_full_for_quick_requests_and_fades_to_nothing_after_two_minutes()
    {
        FlowModel.Cadence(TimeSpan.FromSeconds(5)).Should().Be(1);
        FlowModel.Cadence(TimeSpan.FromSeconds(65)).Should().BeApproximately(0.5, 1e-9);
        FlowModel.Cadence(TimeSpan.FromMinutes(3)).Should().Be(0);
        FlowModel.Cadence(null).Should().Be(0.3);
    }

    [Fact]
    public void The_score_is_the_smoothed_weighted_mean_of_the_signals_minus_interruptions()
    {
        // cadence 1, streak 3/5, hrv 0.8, attention 0.6: (0.4*1 + 0.4*0.6 + 0.1*0.8 + 0.1*0.6) / 1.0 = 0.78
        // one interruption: 0.78 - 0.15 = 0.63; smoothed with 0.5 against 0.2 → 0.415
        var score = FlowModel.Next(0.2, TimeSpan.FromSeconds(3), 3, 1, null, 0.8, 0.6, Options);

        score.Should().BeApproximately(0.415, 1e-9);
    }

    [Fact]
    public void A_supplied_measurement_replaces_the_computed_signals()
    {
        FlowModel.Next(0.5, TimeSpan.FromHours(1), 0, 0, supplied: 0.9, hrv: null, attention: null, Options).Should().BeApproximately(0.7, 1e-9);
    }

    [Fact]
    public void Flow_starts_only_after_the_score_holds_above_the_entry_threshold()
    {
        var state = SessionState.Empty;
        var starts = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            (state, var events) = Play(state, 1.0, T0.AddSeconds(i * 5));
            if (events.OfType<FlowStarted>().Any())
            {
                starts.Add(i);
            }
        }

        // Scores 0.5, 0.75, 0.875, ...: the first at/above 0.7 is the 2nd interaction, held for 2 → starts at the 3rd.
        starts.Should().Equal(2);
        state.InFlow.Should().BeTrue();
        state.FlowSessions.Should().Be(1);
    }

    [Fact]
    public void Between_the_thresholds_flow_neither_starts_nor_ends_hysteresis()
    {
        var state = SessionState.Empty;
        for (var i = 0; i < 5; i++)
        {
            (state, _) = Play(state, 1.0, T0.AddSeconds(i * 5));
        }

        // 0.55 keeps the smoothed score well above the exit threshold of 0.4.
        for (var i = 5; i < 12; i++)
        {
            (state, var events) = Play(state, 0.55, T0.AddSeconds(i * 5));
            events.OfType<FlowEnded>().Should().BeEmpty();
        }

        state.InFlow.Should().BeTrue();
        state.FlowScore.Should().BeInRange(0.4, 0.7);

        var fresh = SessionState.Empty;
        for (var i = 0; i < 12; i++)
        {
            (fresh, var events) = Play(fresh, 0.6, T0.AddSeconds(i * 5));
            events.OfType<FlowStarted>().Should().BeEmpty("0.6 never reaches the entry threshold");
        }
    }

    [Fact]
    public void Invalid_thresholds_are_refused_naming_the_setting()
    {
        var act = () => new FlowOptions { EnterThreshold = 0.5, ExitThreshold = 0.6 }.Validate();

        // Named as in configuration under NixHumanityOptions.Flow, like Memory.* and Projections.*.
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Flow." + nameof(FlowOptions.ExitThreshold));
    }
}

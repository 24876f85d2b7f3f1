using System.Collections.Immutable;
using NixHumanity.Actors.Infrastructure.Serialization;

// The session's snapshot is persisted too (see SessionEvents.cs).
[assembly: PersistedMessage(typeof(NixHumanity.Actors.Session.SessionState))]

namespace NixHumanity.Actors.Session;

/// <summary>A notification held back while the person is in flow.</summary>
/// <param name="NotificationId">Its id.</param>
/// <param name="Source">Who asked.</param>
/// <param name="At">When it arrived.</param>
public sealed record DeferredNotification(string NotificationId, string Source, DateTimeOffset At);

/// <summary>
/// Immutable state of one person's session, rebuilt from the journal (snapshot + tail). <c>Decide…</c> methods
/// turn a validated command into the events it causes; <see cref="Apply"/> folds one event into a new state.
/// Keeping the two apart means recovery replays exactly what was decided, whatever the model does later.
/// </summary>
internal sealed partial record SessionState : IPersistedMessage
{
    /// <summary>The empty state of a new person.</summary>
    public static readonly SessionState Empty = new();

    /// <summary>Interactions recorded.</summary>
    public long Interactions { get; init; }

    /// <summary>Distinct notifications recorded.</summary>
    public long Notifications { get; init; }

    /// <summary>Smoothed flow score in [0,1].</summary>
    public double FlowScore { get; init; }

    /// <summary>Whether the person is in flow.</summary>
    public bool InFlow { get; init; }

    /// <summary>When the current flow period started.</summary>
    public DateTimeOffset? FlowStartedAt { get; init; }

    /// <summary>How many flow periods have started.</summary>
    public long FlowSessions { get; init; }

    /// <summary>Consecutive interactions whose score reached the entry threshold.</summary>
    public int ConsecutiveAboveEntry { get; init; }

    /// <summary>Successes in a row (reset by a failure, kept by an unknown outcome).</summary>
    public int SuccessStreak { get; init; }

    /// <summary>Latest interaction time seen.</summary>
    public DateTimeOffset? LastInteractionAt { get; init; }

    /// <summary>Notifications delivered since the last interaction (they weigh on the next flow score).</summary>
    public int InterruptionsSinceLastInteraction { get; init; }

    /// <summary>Notifications held back, oldest first.</summary>
    public ImmutableList<DeferredNotification> Deferred { get; init; } = [];

    /// <summary>The events a validated interaction causes: possibly an idle flow end, the interaction itself, and a
    /// flow start or end when the new score crosses a threshold.</summary>
    public IReadOnlyList<ISessionEvent> DecideInteraction(RecordInteraction cmd, string interactionId, DateTimeOffset at, FlowOptions flow)
    {
        var events = new List<ISessionEvent>(3);
        TimeSpan? gap = LastInteractionAt is { } last ? Max(at - last, TimeSpan.Zero) : null;
        var idle = gap > flow.IdleTimeout;
        if (idle && InFlow)
        {
            events.AddRange(EndFlow("idle", LastInteractionAt!.Value + flow.IdleTimeout));
        }

        var streak = NextStreak(cmd.Outcome);
        var score = FlowModel.Next(
            idle ? 0 : FlowScore,
            gap,
            streak,
            InterruptionsSinceLastInteraction,
            cmd.FlowScore,
            cmd.HrvCoherence,
            cmd.Attention,
            flow);
        var recorded = new InteractionRecorded(
            interactionId, cmd.UserId, cmd.SessionId, cmd.Text, cmd.Command, cmd.Intent, cmd.CommandType, cmd.Outcome,
            cmd.FlowScore, cmd.HrvCoherence, cmd.Attention, score, at);
        events.Add(recorded);

        // Decide on the state as it will be after the interaction, so idle resets and the streak count are honoured.
        var after = events.Aggregate(this, (s, e) => s.Apply(e, flow));
        if (!after.InFlow && after.ConsecutiveAboveEntry >= flow.EnterAfterInteractions)
        {
            events.Add(new FlowStarted(score, at));
        }
        else if (after.InFlow && score < flow.ExitThreshold)
        {
            events.AddRange(after.EndFlow("score", at));
        }

        return events;
    }

    /// <summary>The events a validated notification causes: delivered, or deferred while in flow (after ending a
    /// flow period the person has left by going idle).</summary>
    public IReadOnlyList<ISessionEvent> DecideNotification(string notificationId, string source, DateTimeOffset at, FlowOptions flow)
    {
        if (InFlow && LastInteractionAt is { } last && at - last > flow.IdleTimeout)
        {
            return [.. EndFlow("idle", last + flow.IdleTimeout), new NotificationDelivered(notificationId, source, at)];
        }

        return InFlow
            ? [new NotificationDeferred(notificationId, source, at)]
            : [new NotificationDelivered(notificationId, source, at)];
    }

    /// <summary>Folds one event into the state.</summary>
    public SessionState Apply(ISessionEvent evt, FlowOptions flow) => evt switch
    {
        // Imported history is counted but never touches the live flow state (see SessionState.Import.cs).
        InteractionRecorded { ImportKey: not null } e => ApplyImported(e),
        PatternImported e => ApplyImported(e),
        MetricImported e => ApplyImported(e),
        InteractionRecorded e => this with
        {
            Interactions = Interactions + 1,
            FlowScore = e.FlowScore,
            SuccessStreak = NextStreak(e.Outcome),
            ConsecutiveAboveEntry = e.FlowScore >= flow.EnterThreshold
                ? (IsIdleGap(e.At, flow) ? 0 : ConsecutiveAboveEntry) + 1
                : 0,
            LastInteractionAt = LastInteractionAt is { } last && last > e.At ? last : e.At,
            InterruptionsSinceLastInteraction = 0,
        },
        NotificationDelivered => this with
        {
            Notifications = Notifications + 1,
            InterruptionsSinceLastInteraction = InterruptionsSinceLastInteraction + 1,
        },
        NotificationDeferred e => this with
        {
            Notifications = Notifications + 1,
            Deferred = Deferred.Add(new DeferredNotification(e.NotificationId, e.Source, e.At)),
        },
        NotificationReleased e => this with
        {
            Deferred = Deferred.RemoveAll(d => d.NotificationId == e.NotificationId),
        },
        FlowStarted e => this with { InFlow = true, FlowStartedAt = e.At, FlowSessions = FlowSessions + 1 },
        FlowEnded => this with { InFlow = false, FlowStartedAt = null, ConsecutiveAboveEntry = 0 },
        _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "unknown session event"),
    };

    private IEnumerable<ISessionEvent> EndFlow(string reason, DateTimeOffset at)
    {
        yield return new FlowEnded(FlowScore, reason, FlowStartedAt ?? at, at);
        foreach (var deferred in Deferred)
        {
            yield return new NotificationReleased(deferred.NotificationId, deferred.Source, deferred.At, at);
        }
    }

    private int NextStreak(InteractionOutcome outcome) => outcome switch
    {
        InteractionOutcome.Success => SuccessStreak + 1,
        InteractionOutcome.Failure => 0,
        _ => SuccessStreak,
    };

    private bool IsIdleGap(DateTimeOffset at, FlowOptions flow) => LastInteractionAt is { } last && at - last > flow.IdleTimeout;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

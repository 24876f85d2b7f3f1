using NixHumanity.Actors.Serialization;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Session;

// ---- Commands -------------------------------------------------------------------------------------------------

/// <summary>
/// Records one request the person made and what the assistant did. Replied to with
/// <see cref="InteractionAcknowledged"/> once the event is durable, or <see cref="Validation.CommandRejected"/>.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="SessionId">The conversation this belongs to; <c>[A-Za-z0-9_-]{1,64}</c>.</param>
/// <param name="Text">What the person said or typed (1..4096 characters).</param>
/// <param name="Command">The command the assistant ran or proposed, if any.</param>
/// <param name="Intent">The recognised intent, if any (e.g. <c>install_package</c>).</param>
/// <param name="CommandType">A category for analytics (e.g. <c>install</c>, <c>search</c>).</param>
/// <param name="Outcome">Whether it worked.</param>
/// <param name="FlowScore">A flow score measured by the caller, in [0,1], if it has one.</param>
/// <param name="HrvCoherence">Heart-rate-variability coherence in [0,1], if a sensor supplied one.</param>
/// <param name="Attention">Attention score in [0,1], if a sensor supplied one.</param>
/// <param name="Timestamp">When it happened; <c>null</c> means now.</param>
public sealed record RecordInteraction(
    string UserId,
    string SessionId,
    string Text,
    string? Command = null,
    string? Intent = null,
    string? CommandType = null,
    InteractionOutcome Outcome = InteractionOutcome.Unknown,
    double? FlowScore = null,
    double? HrvCoherence = null,
    double? Attention = null,
    DateTimeOffset? Timestamp = null) : ISessionMessage;

/// <summary>
/// Something wants the person's attention. Delivered at once unless the person is in flow, in which case it is
/// deferred and released when flow ends. Replied to with <see cref="NotificationAcknowledged"/>.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Source">Who is asking (e.g. <c>system-update</c>).</param>
/// <param name="Timestamp">When it arrived; <c>null</c> means now.</param>
public sealed record RecordNotification(string UserId, string Source, DateTimeOffset? Timestamp = null) : ISessionMessage;

/// <summary>Asks for the session summary; replied to with <see cref="SessionStatus"/>.</summary>
/// <param name="UserId">The person.</param>
public sealed record GetSessionStatus(string UserId) : ISessionMessage;

// ---- Replies --------------------------------------------------------------------------------------------------

/// <summary>The interaction is durable in the journal.</summary>
/// <param name="InteractionId">Its id.</param>
/// <param name="SequenceNr">Its journal sequence number for this user.</param>
/// <param name="FlowScore">The person's flow score after it.</param>
/// <param name="InFlow">Whether the person is in flow after it.</param>
/// <param name="Released">Notifications held back during flow that this interaction released (flow ended); show them now.</param>
public sealed record InteractionAcknowledged(string InteractionId, long SequenceNr, double FlowScore, bool InFlow, IReadOnlyList<DeferredNotification> Released);

/// <summary>The notification is durable; says whether it was shown now or held back.</summary>
/// <param name="NotificationId">Its id.</param>
/// <param name="SequenceNr">Its journal sequence number for this user.</param>
/// <param name="Delivered">True when it may be shown now.</param>
/// <param name="Deferred">True when it is held back until flow ends.</param>
/// <param name="Released">Earlier held-back notifications released now (the person had left flow by going idle).</param>
public sealed record NotificationAcknowledged(string NotificationId, long SequenceNr, bool Delivered, bool Deferred, IReadOnlyList<DeferredNotification> Released);

/// <summary>Summary of one person's session state.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Interactions">Interactions recorded.</param>
/// <param name="Notifications">Notifications recorded (delivered, deferred or released).</param>
/// <param name="InFlow">Whether the person is in flow now.</param>
/// <param name="FlowScore">Current flow score in [0,1].</param>
/// <param name="DeferredNotifications">Notifications held back right now.</param>
/// <param name="FlowSessions">How many times flow has started.</param>
/// <param name="LastInteractionAt">When the last interaction happened, if any.</param>
/// <param name="SequenceNr">The last journal sequence number for this user.</param>
public sealed record SessionStatus(
    string UserId,
    long Interactions,
    long Notifications,
    bool InFlow,
    double FlowScore,
    int DeferredNotifications,
    long FlowSessions,
    DateTimeOffset? LastInteractionAt,
    long SequenceNr)
{
    /// <summary>Interactions imported from older stores (included in <see cref="Interactions"/>).</summary>
    public long ImportedInteractions { get; init; }

    /// <summary>Learned patterns imported from the old store.</summary>
    public long ImportedPatterns { get; init; }

    /// <summary>Measurements imported from the old store.</summary>
    public long ImportedMetrics { get; init; }
}

// ---- Events (journaled) ---------------------------------------------------------------------------------------

/// <summary>An event in a user's session journal.</summary>
public interface ISessionEvent : IPersistedMessage
{
    /// <summary>When it happened (the domain time, not the write time).</summary>
    DateTimeOffset At { get; }
}

/// <summary>An interaction was recorded. <see cref="FlowScore"/> is the session's score after it.</summary>
/// <param name="InteractionId">Its id.</param>
/// <param name="UserId">The person.</param>
/// <param name="SessionId">The conversation.</param>
/// <param name="Text">What the person said.</param>
/// <param name="Command">The command, if any.</param>
/// <param name="Intent">The intent, if any.</param>
/// <param name="CommandType">The command category, if any.</param>
/// <param name="Outcome">Whether it worked.</param>
/// <param name="SuppliedFlowScore">The caller's own flow measurement, if given.</param>
/// <param name="HrvCoherence">HRV coherence, if given.</param>
/// <param name="Attention">Attention, if given.</param>
/// <param name="FlowScore">The flow score the session computed after this interaction.</param>
/// <param name="At">When it happened.</param>
public sealed record InteractionRecorded(
    string InteractionId,
    string UserId,
    string SessionId,
    string Text,
    string? Command,
    string? Intent,
    string? CommandType,
    InteractionOutcome Outcome,
    double? SuppliedFlowScore,
    double? HrvCoherence,
    double? Attention,
    double FlowScore,
    DateTimeOffset At) : ISessionEvent
{
    /// <summary>
    /// Set only on interactions imported from an older store: the source row's deterministic key
    /// (<see cref="Import.ImportKeys"/>). Such an interaction is history: it is counted and projected like a live one
    /// but never changes the live flow state, and its <see cref="FlowScore"/> is estimated over the imported history.
    /// </summary>
    public string? ImportKey { get; init; }

    /// <summary>The person's satisfaction with the answer in [0,1], when known (the old store's numeric feedback).</summary>
    public double? Satisfaction { get; init; }
}

/// <summary>A notification was shown to the person at once (an interruption).</summary>
/// <param name="NotificationId">Its id.</param>
/// <param name="Source">Who asked.</param>
/// <param name="At">When it arrived.</param>
public sealed record NotificationDelivered(string NotificationId, string Source, DateTimeOffset At) : ISessionEvent;

/// <summary>A notification arrived during flow and is held back.</summary>
/// <param name="NotificationId">Its id.</param>
/// <param name="Source">Who asked.</param>
/// <param name="At">When it arrived.</param>
public sealed record NotificationDeferred(string NotificationId, string Source, DateTimeOffset At) : ISessionEvent;

/// <summary>A held-back notification was released because flow ended.</summary>
/// <param name="NotificationId">Its id.</param>
/// <param name="Source">Who asked.</param>
/// <param name="DeferredAt">When it arrived.</param>
/// <param name="At">When it was released.</param>
public sealed record NotificationReleased(string NotificationId, string Source, DateTimeOffset DeferredAt, DateTimeOffset At) : ISessionEvent;

/// <summary>The person entered flow.</summary>
/// <param name="FlowScore">The score that crossed the entry threshold.</param>
/// <param name="At">When.</param>
public sealed record FlowStarted(double FlowScore, DateTimeOffset At) : ISessionEvent;

/// <summary>The person left flow.</summary>
/// <param name="FlowScore">The score at that moment.</param>
/// <param name="Reason"><c>score</c> (fell below the exit threshold) or <c>idle</c> (no interaction for the idle timeout).</param>
/// <param name="StartedAt">When this flow period started.</param>
/// <param name="At">When it ended.</param>
public sealed record FlowEnded(double FlowScore, string Reason, DateTimeOffset StartedAt, DateTimeOffset At) : ISessionEvent;

// ---- Published to the projection owners ----------------------------------------------------------------------

/// <summary>
/// Sent by the session actor to the user's memory and learner actors after an event is durable, so their
/// projections can apply it. <see cref="SequenceNr"/> is the checkpoint they store with their data.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="SequenceNr">The event's journal sequence number.</param>
/// <param name="Event">The event.</param>
public sealed record SessionEventPublished(string UserId, long SequenceNr, ISessionEvent Event) : IMemoryMessage, ILearnerMessage;

using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Session;

// ---- Commands -------------------------------------------------------------------------------------------------

/// <summary>
/// Records one request the person made and what the assistant did. Replied to with
/// <see cref="InteractionAcknowledged"/> once the event is durable, or <see cref="Contracts.CommandRejected"/>.
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
internal sealed record GetSessionStatus(string UserId) : ISessionMessage;

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

// ---- Import and restore ---------------------------------------------------------------------------------------

/// <summary>
/// Journals one chunk of history read from an older store. Rows whose import key is already known are counted as
/// duplicates and not journaled again. The chunk is validated as a whole (a bad item rejects it with
/// <see cref="Contracts.CommandRejected"/>, nothing persisted), written with one <c>PersistAll</c>, and
/// acknowledged with <see cref="HistoryImported"/> once durable. Imported interactions never change the live flow
/// state (see docs/architecture.md, "Import").
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Source">Where the rows came from (a file path), for logs.</param>
/// <param name="Interactions">Historical interactions, oldest first.</param>
/// <param name="Patterns">Learned patterns.</param>
/// <param name="Metrics">Measurements.</param>
internal sealed record ImportHistory(
    string UserId,
    string Source,
    IReadOnlyList<ImportedInteraction> Interactions,
    IReadOnlyList<ImportedPattern> Patterns,
    IReadOnlyList<ImportedMetric> Metrics) : ISessionMessage;

/// <summary>The chunk is durable. Counts are for this chunk only.</summary>
/// <param name="Interactions">Interactions journaled.</param>
/// <param name="InteractionDuplicates">Interactions skipped because they were imported before.</param>
/// <param name="Patterns">Patterns journaled.</param>
/// <param name="PatternDuplicates">Patterns skipped as imported before.</param>
/// <param name="Metrics">Metrics journaled.</param>
/// <param name="MetricDuplicates">Metrics skipped as imported before.</param>
/// <param name="SequenceNr">The user's last journal sequence number after the chunk.</param>
internal sealed record HistoryImported(
    int Interactions,
    int InteractionDuplicates,
    int Patterns,
    int PatternDuplicates,
    int Metrics,
    int MetricDuplicates,
    long SequenceNr);

/// <summary>
/// Writes an exported journal back into an EMPTY user's session, event for event, so the user is restored with
/// the same sequence numbers and every projection rebuilds the same answers. Replied to with
/// <see cref="HistoryRestored"/>, or <see cref="Contracts.CommandRejected"/> when the user already has history.
/// </summary>
/// <param name="UserId">The person to restore into.</param>
/// <param name="Events">The exported events, in sequence order, starting at 1.</param>
internal sealed record RestoreHistory(string UserId, IReadOnlyList<ISessionEvent> Events) : ISessionMessage;

/// <summary>The events are durable in the journal.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Events">Events written.</param>
/// <param name="SequenceNr">The last sequence number.</param>
public sealed record HistoryRestored(string UserId, long Events, long SequenceNr);

// ---- Published to the projection owners ----------------------------------------------------------------------

/// <summary>
/// Sent by the session actor to the user's memory and learner actors after an event is durable, so their
/// projections can apply it. <see cref="SequenceNr"/> is the checkpoint they store with their data.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="SequenceNr">The event's journal sequence number.</param>
/// <param name="Event">The event.</param>
internal sealed record SessionEventPublished(string UserId, long SequenceNr, ISessionEvent Event) : IMemoryMessage, ILearnerMessage;

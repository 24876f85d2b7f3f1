using NixHumanity.Actors.Infrastructure.Serialization;
using NixHumanity.Actors.Session;

// The journal serializer reads and writes exactly the types declared here and beside SessionState.
[assembly: PersistedMessage(typeof(InteractionRecorded))]
[assembly: PersistedMessage(typeof(NotificationDelivered))]
[assembly: PersistedMessage(typeof(NotificationDeferred))]
[assembly: PersistedMessage(typeof(NotificationReleased))]
[assembly: PersistedMessage(typeof(FlowStarted))]
[assembly: PersistedMessage(typeof(FlowEnded))]
[assembly: PersistedMessage(typeof(PatternImported))]
[assembly: PersistedMessage(typeof(MetricImported))]

namespace NixHumanity.Actors.Session;

// Every event type a session journals. Their type names are the storage format (ADR 0003): never rename one.

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
    /// (<see cref="ImportKeys"/>). Such an interaction is history: it is counted and projected like a live one
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

/// <summary>A learned pattern was imported from the old store. Kept verbatim so that the learner can use it as a
/// prior and export can give it back; it does not change the session state beyond counts.</summary>
/// <param name="ImportKey">Deterministic key of the source row.</param>
/// <param name="PatternType">The pattern's kind.</param>
/// <param name="PatternData">Its data, as JSON text.</param>
/// <param name="Confidence">Its confidence in [0,1], if given.</param>
/// <param name="UsageCount">How often it was used, if given.</param>
/// <param name="LastUsed">When it was last used, if given.</param>
/// <param name="At">When it was last used, else when it was imported.</param>
public sealed record PatternImported(
    string ImportKey,
    string PatternType,
    string? PatternData,
    double? Confidence,
    long? UsageCount,
    DateTimeOffset? LastUsed,
    DateTimeOffset At) : ISessionEvent;

/// <summary>A measurement (the old store's <c>evolution</c> row) was imported.</summary>
/// <param name="ImportKey">Deterministic key of the source row.</param>
/// <param name="MetricName">What was measured.</param>
/// <param name="Value">The value.</param>
/// <param name="At">When it was measured.</param>
public sealed record MetricImported(string ImportKey, string MetricName, double Value, DateTimeOffset At) : ISessionEvent;

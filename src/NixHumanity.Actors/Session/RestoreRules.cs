using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Session;

/// <summary>
/// The edge rules of a <see cref="RestoreHistory"/>: every restored event must satisfy the rules its live command
/// did (ids, text, scores, times), and every interaction must belong to the user it is restored into. An export
/// folder is a file from elsewhere; its checksums prove only that it was not changed after it was sealed.
/// </summary>
internal static class RestoreRules
{
    /// <summary>Most events one restore may carry (the chunks are written one after the other).</summary>
    public const int MaxEvents = 5_000_000;

    /// <summary>The first rule the restore breaks, or null. Fields point at the event, e.g. <c>events[3].text</c>.</summary>
    /// <param name="events">The events, in order.</param>
    /// <param name="userId">The user restored into.</param>
    /// <param name="now">The current time (times more than a day ahead are refused).</param>
    public static CommandRejected? Check(IReadOnlyList<ISessionEvent>? events, string userId, DateTimeOffset now)
    {
        if (events is null || events.Count == 0)
        {
            return new CommandRejected("events", "must not be empty");
        }

        if (events.Count > MaxEvents)
        {
            return new CommandRejected("events", $"must hold at most {MaxEvents:N0} events");
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (Check(events[i], userId, now) is { } rejection)
            {
                return rejection with { Field = string.Create(CultureInfo.InvariantCulture, $"events[{i}].{rejection.Field}") };
            }
        }

        return null;
    }

    private static CommandRejected? Check(ISessionEvent? evt, string userId, DateTimeOffset now) => evt switch
    {
        InteractionRecorded e => Interaction(e, userId, now),
        NotificationDelivered e => Notification(e.NotificationId, e.Source, e.At, now),
        NotificationDeferred e => Notification(e.NotificationId, e.Source, e.At, now),
        NotificationReleased e => InputRules.FirstOf(Notification(e.NotificationId, e.Source, e.At, now), InputRules.Timestamp("deferredAt", e.DeferredAt, now)),
        FlowStarted e => InputRules.FirstOf(InputRules.OptionalUnitScore("flowScore", e.FlowScore), InputRules.Timestamp("at", e.At, now)),
        FlowEnded e => InputRules.FirstOf(
            InputRules.OptionalUnitScore("flowScore", e.FlowScore),
            InputRules.RequiredText("reason", e.Reason, InputRules.MaxShortFieldLength),
            InputRules.Timestamp("startedAt", e.StartedAt, now),
            InputRules.Timestamp("at", e.At, now)),
        // The imported row's own rules, then the event's time.
        PatternImported e => InputRules.FirstOf(
            ImportRules.Check(new ImportedPattern(e.ImportKey, e.PatternType, e.PatternData, e.Confidence, e.UsageCount, e.LastUsed), now),
            InputRules.Timestamp("at", e.At, now)),
        MetricImported e => InputRules.FirstOf(
            ImportRules.Key(e.ImportKey),
            InputRules.RequiredText("metricName", e.MetricName, InputRules.MaxShortFieldLength),
            double.IsFinite(e.Value) ? null : new CommandRejected("value", "must be a finite number (not NaN or infinity)"),
            InputRules.Timestamp("at", e.At, now)),
        null => new CommandRejected("event", "must not be null"),
        _ => new CommandRejected("type", $"'{evt.GetType().Name}' cannot be restored"),
    };

    private static CommandRejected? Interaction(InteractionRecorded e, string userId, DateTimeOffset now) => InputRules.FirstOf(
        // The event names its person; restoring it under another would credit one person's history to another.
        string.Equals(e.UserId, userId, StringComparison.Ordinal) ? null : new CommandRejected("userId", $"must be the restored user '{userId}'"),
        InputRules.RequiredText("interactionId", e.InteractionId, InputRules.MaxShortFieldLength),
        ImportRules.InteractionContent(e.SessionId, e.Text, e.Command, e.Intent, e.CommandType, e.Outcome),
        InputRules.OptionalUnitScore("suppliedFlowScore", e.SuppliedFlowScore),
        InputRules.OptionalUnitScore("hrvCoherence", e.HrvCoherence),
        InputRules.OptionalUnitScore("attention", e.Attention),
        InputRules.OptionalUnitScore("flowScore", e.FlowScore),
        e.ImportKey is null ? null : ImportRules.Key(e.ImportKey),
        InputRules.OptionalUnitScore("satisfaction", e.Satisfaction),
        InputRules.Timestamp("at", e.At, now));

    private static CommandRejected? Notification(string id, string source, DateTimeOffset at, DateTimeOffset now) => InputRules.FirstOf(
        InputRules.RequiredText("notificationId", id, InputRules.MaxShortFieldLength),
        InputRules.RequiredText("source", source, InputRules.MaxShortFieldLength),
        InputRules.Timestamp("at", at, now));
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// A short fingerprint of a journaled session event, stored by a projection beside its checkpoint. A checkpoint alone
/// (a sequence number) cannot tell a journal restored from an older copy and written to since from the journal it was
/// built from: both may reach the same number. The fingerprint of the event at the checkpoint can: a new event at the
/// same number has another id and another time.
/// </summary>
internal static class EventFingerprint
{
    /// <summary>The fingerprint of <paramref name="evt"/>: 16 hex digits of SHA-256 over its type, its time (UTC ticks)
    /// and its own key (interaction or notification id, import key), which are never rewritten for an event.</summary>
    public static string Of(ISessionEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        // Only fields that identify the event, not its whole serialized form: a later version that adds a property
        // to an event type must not make every stored fingerprint look like another journal.
        var key = evt switch
        {
            InteractionRecorded recorded => recorded.InteractionId,
            NotificationDelivered delivered => delivered.NotificationId,
            NotificationDeferred deferred => deferred.NotificationId,
            NotificationReleased released => released.NotificationId,
            FlowEnded ended => ended.StartedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            PatternImported pattern => pattern.ImportKey,
            MetricImported metric => metric.ImportKey,
            _ => string.Empty,
        };
        var text = string.Join('\n', evt.GetType().Name, evt.At.UtcTicks.ToString(CultureInfo.InvariantCulture), key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }

    /// <summary>The fingerprint of the last of <paramref name="events"/> (which must not be empty).</summary>
    public static string OfLast(IReadOnlyList<JournaledSessionEvent> events) => Of(events[^1].Event);
}

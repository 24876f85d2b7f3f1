using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;

namespace NixHumanity.Actors.Session;

/// <summary>One journaled session event with its sequence number.</summary>
/// <param name="SequenceNr">The event's journal sequence number.</param>
/// <param name="Event">The event.</param>
public sealed record JournaledSessionEvent(long SequenceNr, ISessionEvent Event);

/// <summary>
/// Read-only access to a user's session journal through Akka persistence query: the audit trail, charts and export
/// read history here instead of asking the session actor to hold it in memory.
/// </summary>
internal static class SessionHistory
{
    /// <summary>The users that have a session journal, with their number of events.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> EventCountsAsync(ActorSystem system, CancellationToken cancellationToken = default)
    {
        var journal = await ReadJournalAsync(system, cancellationToken).ConfigureAwait(false);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var userId in await UserIdsAsync(system, cancellationToken).ConfigureAwait(false))
        {
            var events = 0L;
            await journal.CurrentEventsByPersistenceId(SessionActor.PersistenceIdFor(userId), 0, long.MaxValue)
                .RunForeach(_ => events++, system.Materializer())
                .WaitAsync(cancellationToken)
                .ConfigureAwait(false);
            counts[userId] = events;
        }

        return counts;
    }

    /// <summary>The users that have a session journal (the journal is the record of who exists, not the folders the
    /// projections create once they start).</summary>
    public static async Task<IReadOnlyList<string>> UserIdsAsync(ActorSystem system, CancellationToken cancellationToken = default)
    {
        var journal = await ReadJournalAsync(system, cancellationToken).ConfigureAwait(false);
        var prefix = SessionActor.PersistenceIdFor("");
        var users = new List<string>();
        await journal.CurrentPersistenceIds()
            .RunForeach(id => { if (id.StartsWith(prefix, StringComparison.Ordinal)) users.Add(id[prefix.Length..]); }, system.Materializer())
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return users;
    }

    /// <summary>Every event of <paramref name="userId"/>'s session from <paramref name="fromSequenceNr"/> on, in order.</summary>
    public static async Task<IReadOnlyList<JournaledSessionEvent>> ReadAsync(
        ActorSystem system, string userId, long fromSequenceNr = 1, CancellationToken cancellationToken = default)
    {
        var journal = await ReadJournalAsync(system, cancellationToken).ConfigureAwait(false);
        var events = new List<JournaledSessionEvent>();
        await journal.CurrentEventsByPersistenceId(SessionActor.PersistenceIdFor(userId), fromSequenceNr, long.MaxValue)
            .RunForeach(
                envelope =>
                {
                    if (envelope.Event is ISessionEvent evt)
                    {
                        events.Add(new JournaledSessionEvent(envelope.SequenceNr, evt));
                    }
                },
                system.Materializer())
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return events;
    }

    /// <summary>The read journal, created only once the journal is ready (<see cref="JournalReadiness"/>).</summary>
    private static Task<SqlReadJournal> ReadJournalAsync(ActorSystem system, CancellationToken cancellationToken) =>
        JournalReadiness.ReadJournalAsync(system, cancellationToken);
}

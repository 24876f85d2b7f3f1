using Akka.Actor;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Microsoft.Data.Sqlite;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Session;

/// <summary>One journaled session event with its sequence number.</summary>
/// <param name="SequenceNr">The event's journal sequence number.</param>
/// <param name="Event">The event.</param>
public sealed record JournaledSessionEvent(long SequenceNr, ISessionEvent Event);

/// <summary>
/// Read-only access to the users' session journals: the audit trail, charts, stats and export read history here
/// instead of asking the session actor to hold it in memory. On SQLite the journal file is read directly
/// (<see cref="SqliteJournalRows"/>, ADR 0035), otherwise through Akka persistence query; either way the rows the
/// plugin's read journal gives (not marked deleted, in sequence order), deserialized as it does.
/// </summary>
internal static class SessionHistory
{
    // Rows per query on the direct path: the plugin's read journal also reads a persistence id in bounded pages.
    private const int DirectBatchSize = 1000;

    /// <summary>The users that have a session journal, with their number of events.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> EventCountsAsync(ActorSystem system, CancellationToken cancellationToken = default)
    {
        if (SqliteJournal(system) is { } sqlite)
        {
            return await Task.Run(() => DirectEventCounts(sqlite), cancellationToken).ConfigureAwait(false);
        }

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
        if (SqliteJournal(system) is { } sqlite)
        {
            return await Task.Run(() => DirectEventCounts(sqlite).Keys.ToList(), cancellationToken).ConfigureAwait(false);
        }

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
        if (SqliteJournal(system) is { } sqlite)
        {
            return await Task.Run(() => DirectRead(system, sqlite, userId, fromSequenceNr, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

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

    /// <summary>The SQLite journal's connection string; null when the journal is another (PostgreSQL, or none).</summary>
    private static string? SqliteJournal(ActorSystem system) =>
        JournalLocation.FromConfig(system.Settings.Config) is { Provider: JournalProvider.Sqlite } sqlite ? sqlite.ConnectionString : null;

    /// <summary>Users (the session prefix taken off) with their event counts, from the journal file.</summary>
    private static SortedDictionary<string, long> DirectEventCounts(string connectionString)
    {
        var prefix = SessionActor.PersistenceIdFor("");
        using var connection = SqliteJournalRows.Open(connectionString);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (persistenceId, events) in SqliteJournalRows.EventCounts(connection, prefix))
        {
            counts[persistenceId[prefix.Length..]] = events;
        }

        return counts;
    }

    /// <summary>The session events of <paramref name="userId"/> from the journal file, up to the highest sequence
    /// number it holds when the read starts (as the plugin's "current" query), a page at a time.</summary>
    private static List<JournaledSessionEvent> DirectRead(
        ActorSystem system, string connectionString, string userId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        var persistenceId = SessionActor.PersistenceIdFor(userId);
        using var connection = SqliteJournalRows.Open(connectionString);
        var upTo = SqliteJournalRows.HighestSequenceNr(connection, persistenceId);
        var events = new List<JournaledSessionEvent>();
        for (var after = Math.Max(fromSequenceNr, 0) - 1; after < upTo;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (var page, after) = ReadPage(connection, system.Serialization, persistenceId, after, upTo, DirectBatchSize);
            events.AddRange(page);
        }

        return events;
    }

    /// <summary>
    /// One page of the session events of <paramref name="persistenceId"/> in the SQLite journal file: at most
    /// <paramref name="batchSize"/> rows after <paramref name="after"/>, up to <paramref name="upTo"/>; with the sequence
    /// number the page read through (<paramref name="upTo"/> when no row is left), where the next page starts.
    /// </summary>
    internal static (List<JournaledSessionEvent> Events, long ReadThrough) ReadPage(
        SqliteConnection connection, Akka.Serialization.Serialization serialization, string persistenceId, long after, long upTo, int batchSize)
    {
        var rows = SqliteJournalRows.Read(connection, serialization, persistenceId, after + 1, upTo, batchSize);
        // The session persists nothing but session events; anything else would be no reader's input.
        var events = rows.Where(row => row.Payload is ISessionEvent)
            .Select(row => new JournaledSessionEvent(row.SequenceNr, (ISessionEvent)row.Payload))
            .ToList();
        return (events, rows.Count == 0 ? upTo : rows[^1].SequenceNr);
    }

    /// <summary>The read journal, created only once the journal is ready (<see cref="JournalReadiness"/>).</summary>
    private static Task<SqlReadJournal> ReadJournalAsync(ActorSystem system, CancellationToken cancellationToken) =>
        JournalReadiness.ReadJournalAsync(system, cancellationToken);
}

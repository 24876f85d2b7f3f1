using Akka.Actor;
using Akka.Persistence;
using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The SQL persistence plugin's <c>journal</c> table on SQLite (its default table and column names, which the
/// typed persistence options never change), read with plain ADO.NET: what a session's recovery and a
/// projection's catch-up read, without the plugin's read side (linq2db queries whose expression trees are compiled at
/// run time, Akka.Streams around them), which was most of a short process's start-up (ADR 0035). The rows are the ones
/// the plugin reads (not marked deleted, in sequence order) and are deserialized as it does: with the actor system's
/// serialization, the serializer id and manifest stored in the row.
/// </summary>
internal static class SqliteJournalRows
{
    /// <summary>An open connection to the journal file.</summary>
    /// <param name="connectionString">The journal's connection string.</param>
    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The highest sequence number of <paramref name="persistenceId"/> from <paramref name="fromSequenceNr"/> on (rows
    /// marked deleted count: their numbers were used), 0 when none or when the plugin has not created its table yet.
    /// </summary>
    public static long HighestSequenceNr(SqliteConnection connection, string persistenceId, long fromSequenceNr = 0)
    {
        if (!TableExists(connection))
        {
            return 0;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(sequence_number), 0) FROM journal WHERE persistence_id = $pid AND sequence_number >= $from";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$from", fromSequenceNr);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// The events of <paramref name="persistenceId"/> from <paramref name="fromSequenceNr"/> to
    /// <paramref name="toSequenceNr"/> (inclusive), at most <paramref name="max"/>, in sequence order, as the plugin
    /// replays them to a persistent actor.
    /// </summary>
    public static List<Persistent> Read(
        SqliteConnection connection, Akka.Serialization.Serialization serialization, string persistenceId, long fromSequenceNr, long toSequenceNr, long max)
    {
        var rows = new List<Persistent>();
        if (max <= 0 || fromSequenceNr > toSequenceNr || !TableExists(connection))
        {
            return rows;
        }

        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT sequence_number, message, identifier, manifest, writer_uuid, created FROM journal " +
            "WHERE persistence_id = $pid AND sequence_number >= $from AND sequence_number <= $to AND deleted = 0 " +
            "ORDER BY sequence_number LIMIT $limit";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$from", fromSequenceNr);
        command.Parameters.AddWithValue("$to", toSequenceNr);
        command.Parameters.AddWithValue("$limit", max);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var payload = (byte[])reader.GetValue(1);
            var manifest = reader.IsDBNull(3) ? string.Empty : reader.GetString(3);
            var message = reader.IsDBNull(2)
                ? FromTypeName(serialization, payload, manifest)
                : serialization.Deserialize(payload, reader.GetInt32(2), manifest);
            rows.Add(new Persistent(
                message,
                reader.GetInt64(0),
                persistenceId,
                manifest,
                isDeleted: false,
                ActorRefs.NoSender,
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt64(5)));
        }

        return rows;
    }

    /// <summary>
    /// The persistence ids starting with <paramref name="prefix"/> that have events not marked deleted, with their
    /// number of such events, in ordinal order: the ids the plugin's <c>CurrentPersistenceIds</c> query gives (it
    /// skips deleted rows too) and the number of events its <c>CurrentEventsByPersistenceId</c> gives for each.
    /// Empty when the plugin has not created its table yet.
    /// </summary>
    public static SortedDictionary<string, long> EventCounts(SqliteConnection connection, string prefix)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (!TableExists(connection))
        {
            return counts;
        }

        // The prefix is matched in .NET, not with LIKE, whose '_' and '%' and case folding would need escaping.
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, COUNT(*) FROM journal WHERE deleted = 0 GROUP BY persistence_id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var persistenceId = reader.GetString(0);
            if (persistenceId.StartsWith(prefix, StringComparison.Ordinal))
            {
                counts[persistenceId] = reader.GetInt64(1);
            }
        }

        return counts;
    }

    /// <summary>A row written without a serializer id: its manifest is the type name, as the plugin reads it.</summary>
    private static object FromTypeName(Akka.Serialization.Serialization serialization, byte[] payload, string manifest)
    {
        var type = Type.GetType(manifest, throwOnError: true)!;
        return serialization.FindSerializerForType(type).FromBinary(payload, type);
    }

    private static bool TableExists(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'";
        return (long)command.ExecuteScalar()! > 0;
    }
}

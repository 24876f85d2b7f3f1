using Akka.Actor;
using Akka.Serialization;
using Microsoft.Data.Sqlite;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// A projection's catch-up read straight from the SQLite journal file: the rows of one persistence id after the
/// projection's checkpoint, up to the highest sequence number the journal held when the reader started, sent to the
/// projection with the catch-up protocol (<see cref="JournalReplayStarted"/>, one <see cref="JournalReplayBatch"/> per
/// <see cref="JournalReplayAck"/>, then <see cref="JournalReplayCompleted"/> or <see cref="JournalReplayFailed"/>).
/// </summary>
/// <remarks>
/// The same rows Akka persistence query reads (the SQL plugin's <c>journal</c> table with its default column names, rows
/// not marked deleted, in sequence order), deserialized by the actor system's serialization with the serializer id and
/// manifest stored in the row, as the plugin does. What it saves is the plugin's read side: its linq2db queries
/// (expression trees compiled at run time) and the Akka.Streams graph around them, most of a short process's start-up
/// (ADR 0035). Runs as a child of the projection, so it stops with it; one SQLite connection per batch, never held
/// between batches.
/// </remarks>
internal sealed class SqliteJournalReader : ReceiveActor
{
    private readonly string _connectionString;
    private readonly string _persistenceId;
    private readonly int _batchSize;
    private readonly IActorRef _projection;
    private readonly Serialization _serialization;
    private long _after;
    private long _upTo;

    /// <summary>Creates the reader; see <see cref="Props"/>.</summary>
    public SqliteJournalReader(string connectionString, string persistenceId, long afterSequenceNr, int batchSize, IActorRef projection)
    {
        _connectionString = connectionString;
        _persistenceId = persistenceId;
        _after = afterSequenceNr;
        _batchSize = batchSize;
        _projection = projection;
        _serialization = Context.System.Serialization;
        Receive<JournalReplayAck>(_ => SendNextBatch());
    }

    /// <summary>Props of a reader of <paramref name="persistenceId"/>'s rows after <paramref name="afterSequenceNr"/>.</summary>
    /// <param name="connectionString">The SQLite journal's connection string.</param>
    /// <param name="persistenceId">The persistence id whose events are read.</param>
    /// <param name="afterSequenceNr">The projection's checkpoint (0 for none).</param>
    /// <param name="batchSize">At most this many events per batch.</param>
    /// <param name="projection">The projection catching up.</param>
    public static Props Props(string connectionString, string persistenceId, long afterSequenceNr, int batchSize, IActorRef projection) =>
        Akka.Actor.Props.Create(() => new SqliteJournalReader(connectionString, persistenceId, afterSequenceNr, batchSize, projection));

    /// <inheritdoc />
    protected override void PreStart()
    {
        if (Attempt(() => _upTo = HighestSequenceNr()))
        {
            _projection.Tell(JournalReplayStarted.Instance, Self);
        }
    }

    private void SendNextBatch()
    {
        List<JournaledSessionEvent> batch = [];
        if (!Attempt(() => batch = ReadBatch()))
        {
            return;
        }

        if (batch.Count == 0)
        {
            _projection.Tell(JournalReplayCompleted.Instance, Self);
            Context.Stop(Self);
            return;
        }

        _projection.Tell(new JournalReplayBatch(batch), Self);
    }

    /// <summary>Runs <paramref name="read"/>; a failure is the projection's <see cref="JournalReplayFailed"/>, and the reader stops.</summary>
    private bool Attempt(Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (Exception ex)
        {
            _projection.Tell(new JournalReplayFailed(ex), Self);
            Context.Stop(Self);
            return false;
        }
    }

    private long HighestSequenceNr()
    {
        using var connection = Open();
        if (!JournalTableExists(connection))
        {
            // The plugin creates its tables when the session first starts: no table, no events yet.
            return 0;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(sequence_number), 0) FROM journal WHERE persistence_id = $pid";
        command.Parameters.AddWithValue("$pid", _persistenceId);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The next events after <see cref="_after"/>, up to <see cref="_upTo"/>; empty when there are none.</summary>
    private List<JournaledSessionEvent> ReadBatch()
    {
        var batch = new List<JournaledSessionEvent>();
        while (batch.Count == 0 && _after < _upTo)
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT sequence_number, message, identifier, manifest FROM journal " +
                "WHERE persistence_id = $pid AND sequence_number > $after AND sequence_number <= $upTo AND deleted = 0 " +
                "ORDER BY sequence_number LIMIT $limit";
            command.Parameters.AddWithValue("$pid", _persistenceId);
            command.Parameters.AddWithValue("$after", _after);
            command.Parameters.AddWithValue("$upTo", _upTo);
            command.Parameters.AddWithValue("$limit", _batchSize);
            using var reader = command.ExecuteReader();
            var rows = 0;
            while (reader.Read())
            {
                rows++;
                var sequenceNr = reader.GetInt64(0);
                var payload = (byte[])reader.GetValue(1);
                var manifest = reader.IsDBNull(3) ? string.Empty : reader.GetString(3);
                var message = reader.IsDBNull(2)
                    ? FromTypeName(payload, manifest)
                    : _serialization.Deserialize(payload, reader.GetInt32(2), manifest);
                _after = sequenceNr;

                // The session persists nothing but session events; anything else would be no projection's input.
                if (message is ISessionEvent evt)
                {
                    batch.Add(new JournaledSessionEvent(sequenceNr, evt));
                }
            }

            if (rows == 0)
            {
                _after = _upTo;
            }
        }

        return batch;
    }

    /// <summary>A row written without a serializer id: its manifest is the type name, as the plugin reads it.</summary>
    private object FromTypeName(byte[] payload, string manifest)
    {
        var type = Type.GetType(manifest, throwOnError: true)!;
        return _serialization.FindSerializerForType(type).FromBinary(payload, type);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
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

    private static bool JournalTableExists(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'";
        return (long)command.ExecuteScalar()! > 0;
    }
}

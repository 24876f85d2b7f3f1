using Akka.Persistence;
using Akka.Persistence.Snapshot;
using Akka.Util;
using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The snapshot store on SQLite: the SQL persistence plugin's <c>snapshot</c> table, read and written with plain
/// ADO.NET in the plugin's row format (creation time in ticks, the payload serialized with the actor system's
/// serialization, its serializer id and manifest in the row), so data directories written by the plugin's store read
/// and write unchanged and the other way round (ADR 0045). The plugin's store built linq2db's mapping in its
/// constructor and its queries at run time, about a tenth of a verb's CPU in its own process; PostgreSQL keeps it.
/// </summary>
/// <remarks>
/// The queries are the plugin's: the latest snapshot at or below a sequence number and a time (the lower bounds of the
/// criteria are not used, as the plugin does not use them); a save replaces the row of the same persistence id and
/// sequence number; deletes by sequence number and time.
/// </remarks>
internal sealed class SqliteSnapshotStore : SnapshotStore
{
    private readonly string _connectionString;
    private readonly string? _defaultSerializer;

    /// <summary>Creates the store from its plugin configuration (<c>akka.persistence.snapshot-store.sql</c>).</summary>
    /// <param name="snapshotConfig">The plugin's HOCON section.</param>
    public SqliteSnapshotStore(Akka.Configuration.Config snapshotConfig)
    {
        _connectionString = snapshotConfig.GetString("connection-string", "");
        _defaultSerializer = snapshotConfig.GetString("serializer", null);
    }

    /// <inheritdoc />
    /// <remarks>Creates the plugin's table and indexes if the file lacks them (a new data directory).</remarks>
    protected override void PreStart()
    {
        base.PreStart();
        using var connection = SqliteJournalRows.Open(_connectionString);
        SqlitePluginSchema.EnsureCreated(connection, SqlitePluginSchema.Snapshot);
    }

    /// <inheritdoc />
    /// <remarks>Read at once on the store's thread: one indexed row, and on a recovery's path.</remarks>
    protected override Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        using var connection = SqliteJournalRows.Open(_connectionString);
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT sequence_number, created, snapshot, manifest, serializer_id FROM snapshot " +
            "WHERE persistence_id = $pid AND sequence_number <= $max AND created <= $time ORDER BY sequence_number DESC LIMIT 1";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$max", criteria.MaxSequenceNr);
        command.Parameters.AddWithValue("$time", criteria.MaxTimeStamp.Ticks);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return Task.FromResult<SelectedSnapshot?>(null);
        }

        var payload = (byte[])reader.GetValue(2);
        var manifest = reader.IsDBNull(3) ? string.Empty : reader.GetString(3);
        var serialization = Context.System.Serialization;
        object snapshot;
        if (reader.IsDBNull(4))
        {
            // A row written without a serializer id: its manifest is the type name, as the plugin reads it.
            var type = Type.GetType(manifest, throwOnError: true)!;
            snapshot = serialization.FindSerializerForType(type, _defaultSerializer).FromBinary(payload, type);
        }
        else
        {
            snapshot = serialization.Deserialize(payload, reader.GetInt32(4), manifest);
        }

        var metadata = new SnapshotMetadata(persistenceId, reader.GetInt64(0), new DateTime(reader.GetInt64(1)));
        return Task.FromResult<SelectedSnapshot?>(new SelectedSnapshot(metadata, snapshot));
    }

    /// <inheritdoc />
    /// <remarks>Serialized on the store's thread (the actor system's serialization), written off it.</remarks>
    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var serialization = Context.System.Serialization;
        var serializer = serialization.FindSerializerForType(snapshot.GetType(), _defaultSerializer);
        var payload = Akka.Serialization.Serialization.WithTransport(serialization.System, (serializer, snapshot), state => state.serializer.ToBinary(state.snapshot));
        var manifest = serializer switch
        {
            Akka.Serialization.SerializerWithStringManifest withManifest => withManifest.Manifest(snapshot),
            { IncludeManifest: true } => snapshot.GetType().TypeQualifiedName(),
            _ => string.Empty,
        };

        return Task.Run(
            () => Execute(
                "INSERT OR REPLACE INTO snapshot (persistence_id, sequence_number, created, snapshot, manifest, serializer_id) " +
                "VALUES ($pid, $seq, $created, $payload, $manifest, $serializer)",
                ("$pid", metadata.PersistenceId),
                ("$seq", metadata.SequenceNr),
                ("$created", metadata.Timestamp.Ticks),
                ("$payload", payload),
                ("$manifest", manifest),
                ("$serializer", serializer.Identifier)),
            cancellationToken);
    }

    /// <inheritdoc />
    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        // The plugin bounds the time only when the metadata carries one.
        var bounded = metadata.Timestamp > DateTime.MinValue;
        return Task.Run(
            () => Execute(
                "DELETE FROM snapshot WHERE persistence_id = $pid AND sequence_number = $seq AND (NOT $bounded OR created <= $time)",
                ("$pid", metadata.PersistenceId),
                ("$seq", metadata.SequenceNr),
                ("$bounded", bounded),
                ("$time", metadata.Timestamp.Ticks)),
            cancellationToken);
    }

    /// <inheritdoc />
    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        Task.Run(
            () => Execute(
                "DELETE FROM snapshot WHERE persistence_id = $pid AND sequence_number <= $max AND created <= $time",
                ("$pid", persistenceId),
                ("$max", criteria.MaxSequenceNr),
                ("$time", criteria.MaxTimeStamp.Ticks)),
            cancellationToken);

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = SqliteJournalRows.Open(_connectionString);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}

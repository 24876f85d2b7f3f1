using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;
using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The SQL plugin's snapshot store with a recovery's snapshot read straight from the SQLite file: the latest snapshot of
/// a persistence id (at or below a sequence number), the plugin's row deserialized as the plugin does (the serializer id
/// and manifest stored in the row, the creation time in ticks). Everything else (writes, deletes, reads by time) is the
/// plugin's. Like the journal's replay (<see cref="GroupCommitSqlJournal"/>), this spares a verb in its own process the
/// plugin's linq2db query at its first recovery (ADR 0035), and, for a verb that only reads (<c>nixh-writer-on-demand</c>)
/// on a file whose snapshot table exists, its table check at start-up (<see cref="SqlitePluginTables"/>).
/// </summary>
internal sealed class SqliteSnapshotStore : SqlSnapshotStore
{
    private readonly string _connectionString;

    /// <summary>Creates the store from its plugin configuration (<c>akka.persistence.snapshot-store.sql</c>).</summary>
    /// <param name="snapshotConfig">The plugin's HOCON section.</param>
    public SqliteSnapshotStore(Akka.Configuration.Config snapshotConfig)
        : base(SqlitePluginTables.ForSnapshotStore(snapshotConfig))
    {
        _connectionString = snapshotConfig.GetString("connection-string", "");
    }

    /// <inheritdoc />
    protected override Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        if (criteria.MaxTimeStamp != DateTime.MaxValue)
        {
            return base.LoadAsync(persistenceId, criteria, cancellationToken);
        }

        using var connection = SqliteJournalRows.Open(_connectionString);
        if (!TableExists(connection))
        {
            return Task.FromResult<SelectedSnapshot?>(null);
        }

        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT sequence_number, created, snapshot, manifest, serializer_id FROM snapshot " +
            "WHERE persistence_id = $pid AND sequence_number <= $max ORDER BY sequence_number DESC LIMIT 1";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$max", criteria.MaxSequenceNr);
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
            var type = Type.GetType(manifest, throwOnError: true)!;
            snapshot = serialization.FindSerializerForType(type).FromBinary(payload, type);
        }
        else
        {
            snapshot = serialization.Deserialize(payload, reader.GetInt32(4), manifest);
        }

        var metadata = new SnapshotMetadata(persistenceId, reader.GetInt64(0), new DateTime(reader.GetInt64(1)));
        return Task.FromResult<SelectedSnapshot?>(new SelectedSnapshot(metadata, snapshot));
    }

    private static bool TableExists(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'";
        return (long)command.ExecuteScalar()! > 0;
    }
}

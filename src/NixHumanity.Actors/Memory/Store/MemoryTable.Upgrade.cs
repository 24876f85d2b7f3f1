using DuckDB.NET.Data;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The upgrades of older memory stores: schema 1 (vectors as <c>FLOAT[384]</c>) to schema 2 (docs/adr/0022), and
/// schema 2 (versions numbered by applied batch) to schema 3 (by journal sequence number, docs/adr/0031).
/// </summary>
internal sealed partial class MemoryTable
{
    /// <summary>Rows copied per read when a schema 1 file is upgraded (bounds the memory the upgrade holds).</summary>
    private const int UpgradePageRows = 10_000;

    /// <summary>
    /// Schema 1 → 2: copies every row version (live and superseded, so time travel keeps working) into a table whose
    /// vector is a BLOB, in one transaction with the schema number, so a crash leaves either file intact.
    /// </summary>
    private void UpgradeArrayVectors()
    {
        using (var transaction = _connection.BeginTransaction())
        {
            Execute("ALTER TABLE command_embeddings RENAME TO command_embeddings_schema1");
            Execute($"CREATE TABLE command_embeddings({RowsTableColumns})");
            // Schema 1 always held FLOAT[384].
            var bytes = new byte[VectorBytes.LengthOf(VectorMemoryStore.DefaultDimensions)];
            var lastRowId = ExecuteScalarLong("SELECT coalesce(max(row_id), -1) FROM command_embeddings_schema1");
            for (var from = 0L; from <= lastRowId; from += UpgradePageRows)
            {
                // A page is read completely before it is appended: the appender and an open reader must not share
                // the connection.
                var page = new List<(MemoryEntry Entry, float[] Vector, long VersionFrom, long? VersionTo)>();
                using (var command = _connection.CreateCommand())
                {
                    command.CommandText =
                        $"SELECT {MemoryEntry.Columns}, vector, version_from, version_to FROM command_embeddings_schema1 WHERE row_id >= $from AND row_id < $to ORDER BY row_id";
                    command.Parameters.Add(new DuckDBParameter("from", from));
                    command.Parameters.Add(new DuckDBParameter("to", from + UpgradePageRows));
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        var vector = reader.GetFieldValue<List<float>>(MemoryEntry.ColumnCount).ToArray();
                        var versionTo = reader.IsDBNull(MemoryEntry.ColumnCount + 2) ? (long?)null : reader.GetInt64(MemoryEntry.ColumnCount + 2);
                        page.Add((MemoryEntry.Read(reader), vector, reader.GetInt64(MemoryEntry.ColumnCount + 1), versionTo));
                    }
                }

                using var appender = _connection.CreateAppender("command_embeddings");
                foreach (var (entry, vector, versionFrom, versionTo) in page)
                {
                    AppendRow(appender, entry, vector, bytes, versionFrom, versionTo);
                }
            }

            Execute("DROP TABLE command_embeddings_schema1");
            Execute("UPDATE store_meta SET schema_version = $schema", ("schema", BatchVersionSchemaVersion));
            transaction.Commit();
        }

        Flush();
    }

    /// <summary>
    /// Schema 2 → 3: each batch version becomes the version of its last event (the checkpoint its record kept), and
    /// every row's validity bounds follow, in one transaction. Time travel keeps reading the same tables; positions
    /// inside an old batch read the table before it, as batches were never split. A row older than the oldest readable
    /// version (its record compacted away) is visible from 0, which no readable version can tell apart.
    /// </summary>
    private void RenumberVersionsBySequence()
    {
        using (var transaction = _connection.BeginTransaction())
        {
            Execute(
                """
                UPDATE command_embeddings SET
                    version_from = coalesce((SELECT v.sequence_nr FROM versions v WHERE v.version = command_embeddings.version_from), 0),
                    version_to = CASE WHEN version_to IS NULL THEN NULL
                        ELSE coalesce((SELECT v.sequence_nr FROM versions v WHERE v.version = command_embeddings.version_to), 0) END
                """);
            Execute("UPDATE store_meta SET oldest_readable_version = coalesce((SELECT v.sequence_nr FROM versions v WHERE v.version = store_meta.oldest_readable_version), 0)");
            Execute("UPDATE versions SET version = sequence_nr");
            Execute("UPDATE store_meta SET schema_version = $schema", ("schema", SchemaVersion));
            transaction.Commit();
        }

        Flush();
    }
}

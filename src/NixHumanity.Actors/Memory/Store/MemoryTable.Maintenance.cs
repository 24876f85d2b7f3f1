namespace NixHumanity.Actors.Memory.Store;

/// <summary>The memory table's maintenance writes: compaction and the reset for another embedder.</summary>
internal sealed partial class MemoryTable
{
    /// <summary>
    /// Deletes the row versions no version from <paramref name="target"/> on can see and the older version records;
    /// returns how many rows were deleted.
    /// </summary>
    public long Compact(long target)
    {
        long rowsRemoved;
        using (var transaction = _connection.BeginTransaction())
        {
            rowsRemoved = ExecuteScalarLong(
                "SELECT count(*) FROM command_embeddings WHERE version_to IS NOT NULL AND version_to <= $target", ("target", target));
            Execute("DELETE FROM command_embeddings WHERE version_to IS NOT NULL AND version_to <= $target", ("target", target));
            if (rowsRemoved > 0)
            {
                // A store with an instance of its own does not merge row groups at checkpoints (max_vacuum_tasks = 0,
                // see Open), so deleted row versions would keep their bytes; copying the remaining rows into a fresh
                // table is that merge, done once per compaction (a shared instance's vacuum would also reclaim them,
                // docs/adr/0051). The old table's blocks become free space that later writes reuse.
                Execute("ALTER TABLE command_embeddings RENAME TO command_embeddings_compacting");
                Execute($"CREATE TABLE command_embeddings({RowsTableColumns})");
                Execute("INSERT INTO command_embeddings SELECT * FROM command_embeddings_compacting ORDER BY row_id");
                Execute("DROP TABLE command_embeddings_compacting");
            }

            Execute("DELETE FROM versions WHERE version < $target", ("target", target));
            Execute("UPDATE store_meta SET oldest_readable_version = $target", ("target", target));
            transaction.Commit();
        }

        Flush();
        return rowsRemoved;
    }

    /// <summary>
    /// Deletes every row and version record, records <paramref name="version"/> as the only (empty) version, sets the
    /// checkpoint to 0, the embedder to <paramref name="embedderId"/> and the dimension to <see cref="Dimensions"/>;
    /// returns how many row versions were deleted.
    /// </summary>
    public long Reset(TableVersion version, string embedderId)
    {
        long rowVersions;
        using (var transaction = _connection.BeginTransaction())
        {
            rowVersions = ExecuteScalarLong("SELECT count(*) FROM command_embeddings");
            Execute("DELETE FROM command_embeddings");
            Execute("DELETE FROM versions");
            InsertVersion(version);
            Execute("UPDATE projection_checkpoint SET sequence_nr = 0, updated_at = $at, event_fingerprint = NULL", ("at", version.CreatedAt.UtcDateTime));
            Execute("UPDATE store_meta SET embedder = $embedder, oldest_readable_version = $version", ("embedder", embedderId), ("version", version.Version));
            WriteDimensions();
            transaction.Commit();
        }

        Flush();
        return rowVersions;
    }
}

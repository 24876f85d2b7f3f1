using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The SQL persistence plugin's tables and indexes on SQLite (its default table mapping, which the typed persistence
/// options never change), created with plain ADO.NET: the statements are the ones the plugin's own initialisation
/// (linq2db's <c>CREATE TABLE IF NOT EXISTS</c> and the plugin's SQLite footers) leaves in <c>sqlite_master</c>, so a
/// file created here and one created by the plugin are the same, and either is read and written by both
/// (<c>SqlitePluginFormatSpecs</c> compares them with the plugin's). Since ADR 0045 the SQLite journal and snapshot
/// store write their rows themselves, so the plugin's start-up (and with it linq2db) is no longer needed to create them.
/// </summary>
internal static class SqlitePluginSchema
{
    /// <summary>The journal's table (<c>journal</c>), its tag table (<c>tags</c>) and their indexes.</summary>
    public static readonly IReadOnlyList<SchemaObject> Journal =
    [
        new("journal", """
            CREATE TABLE IF NOT EXISTS [journal]
            (
            	[ordering]        INTEGER        NOT NULL PRIMARY KEY AUTOINCREMENT,
            	[created]         INTEGER        NOT NULL,
            	[deleted]         Bit            NOT NULL,
            	[persistence_id]  NVarChar(255)  NOT NULL,
            	[sequence_number] INTEGER        NOT NULL,
            	[message]         VarBinary      NOT NULL,
            	[manifest]        NVarChar(500)      NULL,
            	[identifier]      INTEGER            NULL,
            	[writer_uuid]     NVarChar(128)      NULL
            )
            """),
        new("journal_uq", "CREATE UNIQUE INDEX IF NOT EXISTS journal_uq ON journal (persistence_id, sequence_number)"),
        new("journal_created_idx", "CREATE INDEX IF NOT EXISTS journal_created_idx ON journal (created)"),
        new("journal_sequence_number_idx", "CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON journal (sequence_number)"),
        new("tags", """
            CREATE TABLE IF NOT EXISTS [tags]
            (
            	[ordering_id]    INTEGER       NOT NULL,
            	[tag]            NVarChar(64)  NOT NULL,
            	[sequence_nr]    INTEGER       NOT NULL,
            	[persistence_id] NVarChar(255) NOT NULL,

            	CONSTRAINT [PK_tags] PRIMARY KEY ([ordering_id], [tag])
            )
            """),
        new("tags_persistence_id_sequence_nr_idx", "CREATE INDEX IF NOT EXISTS tags_persistence_id_sequence_nr_idx ON tags (persistence_id, sequence_nr)"),
        new("tags_tag_idx", "CREATE INDEX IF NOT EXISTS tags_tag_idx ON tags (tag)"),
    ];

    /// <summary>The snapshot store's table (<c>snapshot</c>) and its indexes.</summary>
    public static readonly IReadOnlyList<SchemaObject> Snapshot =
    [
        new("snapshot", """
            CREATE TABLE IF NOT EXISTS [snapshot]
            (
            	[persistence_id]  NVarChar(255) NOT NULL,
            	[sequence_number] INTEGER       NOT NULL,
            	[created]         INTEGER       NOT NULL,
            	[snapshot]        VarBinary         NULL,
            	[manifest]        NVarChar(500)     NULL,
            	[serializer_id]   INTEGER           NULL,

            	CONSTRAINT [PK_snapshot] PRIMARY KEY ([persistence_id], [sequence_number])
            )
            """),
        new("snapshot_sequence_number_idx", "CREATE INDEX IF NOT EXISTS snapshot_sequence_number_idx ON snapshot (sequence_number)"),
        new("snapshot_created_idx", "CREATE INDEX IF NOT EXISTS snapshot_created_idx ON snapshot (created)"),
    ];

    /// <summary>
    /// Creates whatever of <paramref name="objects"/> the file lacks, in one transaction; reads <c>sqlite_master</c>
    /// only when everything is there (every start but a data directory's first, or one whose first initialisation a
    /// crash interrupted).
    /// </summary>
    /// <param name="connection">An open connection to the journal file.</param>
    /// <param name="objects"><see cref="Journal"/> or <see cref="Snapshot"/>.</param>
    /// <returns>Whether anything was missing (and has now been created).</returns>
    public static bool EnsureCreated(SqliteConnection connection, IReadOnlyList<SchemaObject> objects)
    {
        var existing = ExistingNames(connection);
        if (objects.All(o => existing.Contains(o.Name)))
        {
            return false;
        }

        using var transaction = connection.BeginTransaction();
        foreach (var schemaObject in objects)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = schemaObject.Statement;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        return true;
    }

    /// <summary>The names of the tables and indexes in the file.</summary>
    public static HashSet<string> ExistingNames(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')";
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>One table or index and the statement that creates it when it is missing.</summary>
    /// <param name="Name">Its name in <c>sqlite_master</c>.</param>
    /// <param name="Statement">A <c>CREATE … IF NOT EXISTS</c> statement.</param>
    internal sealed record SchemaObject(string Name, string Statement);
}

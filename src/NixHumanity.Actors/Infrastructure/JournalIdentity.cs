using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The identity of an event journal: a GUID stored in the journal database itself (table <c>nixh_journal_identity</c>,
/// beside the persistence plugin's own tables) when the database is first prepared. A projection records the identity
/// of the journal it follows; a journal emptied, recreated or swapped for another database has another identity, so
/// the projection notices it follows a different journal. A copy of the same journal (a backup restored) keeps the
/// identity; that case shows as a journal <i>behind</i> the projection (<see cref="HighestSequenceNr"/>).
/// </summary>
internal static class JournalIdentity
{
    /// <summary>The table holding the identity (one row).</summary>
    public const string TableName = "nixh_journal_identity";

    /// <summary>
    /// Returns the journal's identity, creating the table and a new identity when there is none (a new or emptied
    /// database, or one written before identities existed). Safe to call from several processes at once (two cluster
    /// nodes starting on a new database): the table and the identity are created in one transaction, the insert
    /// happens only when the table is empty, and a creation that loses the race to another process's (PostgreSQL
    /// refuses the second <c>CREATE TABLE</c> once the first commits) reads the winner's identity instead, so every
    /// process ends with the same one (docs/adr/0018, addendum).
    /// </summary>
    /// <param name="journal">Where the journal lives.</param>
    /// <param name="clock">Stamps when the identity was created.</param>
    /// <exception cref="StoreFaultException">The journal database cannot be read or written.</exception>
    public static string Ensure(JournalLocation journal, TimeProvider clock)
    {
        try
        {
            using var connection = Open(journal);
            for (var attempt = 1; ; attempt++)
            {
                if (ReadIdentity(connection) is { } existing)
                {
                    return existing;
                }

                try
                {
                    using var transaction = connection.BeginTransaction();
                    Execute(connection, transaction, $"CREATE TABLE IF NOT EXISTS {TableName}(id TEXT NOT NULL, created_at TEXT NOT NULL)");
                    Execute(connection, transaction,
                        $"INSERT INTO {TableName}(id, created_at) SELECT @id, @at WHERE NOT EXISTS (SELECT 1 FROM {TableName})",
                        ("id", Guid.NewGuid().ToString("D")), ("at", clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
                    transaction.Commit();
                    return ReadIdentity(connection) ?? throw new InvalidDataException($"{TableName} is empty after creating an identity");
                }
                catch (DbException ex) when (attempt < 3 && IsCreatedMeanwhile(ex))
                {
                    // Another process created the table (with its identity) after this one looked and committed first;
                    // the loop reads that identity.
                }
            }
        }
        catch (Exception ex) when (StoreFaults.Classify(ex, Describe(journal)) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>
    /// The highest sequence number the journal holds for <paramref name="persistenceId"/> (0 when none, or when the
    /// plugin has not created its table yet). Rows the plugin marked deleted count: their numbers were used.
    /// </summary>
    /// <param name="journal">Where the journal lives.</param>
    /// <param name="persistenceId">The persistent actor's id.</param>
    /// <exception cref="StoreFaultException">The journal database cannot be read.</exception>
    public static long HighestSequenceNr(JournalLocation journal, string persistenceId)
    {
        try
        {
            using var connection = Open(journal);
            if (!TableExists(connection, "journal"))
            {
                return 0;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(MAX(sequence_number), 0) FROM journal WHERE persistence_id = @pid";
            AddParameter(command, "pid", persistenceId);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (StoreFaults.Classify(ex, Describe(journal)) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>
    /// The stored event <paramref name="sequenceNr"/> of <paramref name="persistenceId"/> as the persistence plugin wrote
    /// it (payload bytes, serializer id, manifest), or null when the journal holds no such row.
    /// </summary>
    /// <param name="journal">Where the journal lives.</param>
    /// <param name="persistenceId">The persistent actor's id.</param>
    /// <param name="sequenceNr">The event's sequence number.</param>
    /// <exception cref="StoreFaultException">The journal database cannot be read.</exception>
    public static StoredEvent? EventAt(JournalLocation journal, string persistenceId, long sequenceNr)
    {
        try
        {
            using var connection = Open(journal);
            if (!TableExists(connection, "journal"))
            {
                return null;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT message, identifier, manifest FROM journal WHERE persistence_id = @pid AND sequence_number = @seq";
            AddParameter(command, "pid", persistenceId);
            AddParameter(command, "seq", sequenceNr);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new StoredEvent((byte[])reader.GetValue(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2))
                : null;
        }
        catch (Exception ex) when (StoreFaults.Classify(ex, Describe(journal)) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>What a fault message names as the journal: the SQLite file, or "the PostgreSQL journal".</summary>
    public static string Describe(JournalLocation journal) => journal.Provider == JournalProvider.Sqlite
        ? Path.GetFullPath(new SqliteConnectionStringBuilder(journal.ConnectionString).DataSource)
        : "the PostgreSQL journal";

    /// <summary>
    /// PostgreSQL's answer to a <c>CREATE TABLE IF NOT EXISTS</c> that waited for another transaction creating the same
    /// table: once that one commits, a unique violation on the catalog (23505, <c>pg_type_typname_nsp_index</c>) or
    /// "relation already exists" (42P07), rather than the skip it gives when the table was there before it started.
    /// </summary>
    private static bool IsCreatedMeanwhile(DbException ex) => ex.SqlState is "23505" or "42P07";

    private static DbConnection Open(JournalLocation journal)
    {
        var connection = journal.CreateConnection();
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

    private static string? ReadIdentity(DbConnection connection)
    {
        if (!TableExists(connection, TableName))
        {
            return null;
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM {TableName} ORDER BY created_at LIMIT 1";
        return command.ExecuteScalar() as string;
    }

    private static bool TableExists(DbConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = connection is SqliteConnection
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @name";
        AddParameter(command, "name", table);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            AddParameter(command, name, value);
        }

        command.ExecuteNonQuery();
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>An event as the persistence plugin stored it in the journal table.</summary>
/// <param name="Message">The serialized payload.</param>
/// <param name="SerializerId">The id of the serializer that wrote it (null when the plugin recorded none).</param>
/// <param name="Manifest">The serializer's manifest (the event's type name for the project's serializer).</param>
internal sealed record StoredEvent(byte[] Message, int? SerializerId, string? Manifest);

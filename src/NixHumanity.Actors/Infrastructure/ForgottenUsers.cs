using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The forget marker of the journal (docs/adr/0023): table <c>nixh_forgotten_users</c>, one row per person ever
/// forgotten, holding a new <i>generation</i> (a GUID) written in the same transaction that deletes the person's rows.
/// A projection records the generation it was built in beside the journal identity; a copy whose generation is not
/// the journal's current one was built from a history that has been forgotten, and is deleted, never served.
/// </summary>
/// <remarks>
/// The row keeps no user id: its key is the SHA-256 of the journal identity and the persistence id, so the table
/// names nobody by itself; someone who can read the database and guesses an id can still test whether it was
/// forgotten (see the ADR). Sequence numbers alone cannot tell a forgotten history from the next one: after a forget
/// the person's sequence starts at 1 again, so a copy at #5 looks merely behind a new history at #7.
/// </remarks>
internal static class ForgottenUsers
{
    /// <summary>The table of forget markers.</summary>
    public const string TableName = "nixh_forgotten_users";

    /// <summary>
    /// Creates the table when missing, in a statement of its own before the forget's transaction. Safe when several
    /// processes do it at once (two nodes' first forgets on a new database): PostgreSQL makes a
    /// <c>CREATE TABLE IF NOT EXISTS</c> that waited for another transaction creating the same table fail once that one
    /// commits (23505 on <c>pg_type</c>, or 42P07), rather than skip; the table then exists, which is all this asks.
    /// Inside the forget's transaction that failure would have aborted the forget (docs/adr/0023, addendum).
    /// </summary>
    public static async Task EnsureTableAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var create = Command(connection, null, $"CREATE TABLE IF NOT EXISTS {TableName}(user_key TEXT NOT NULL PRIMARY KEY, generation TEXT NOT NULL)");
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex) when (ex.SqlState is "23505" or "42P07")
        {
            // Another process created it after this one's statement began; it exists now.
        }
    }

    /// <summary>
    /// Records a new generation for <paramref name="persistenceId"/> inside <paramref name="transaction"/> (the forget's
    /// own), in the table <see cref="EnsureTableAsync"/> made. Returns null when the journal has no identity yet
    /// (nothing was ever projected from it, so no copy can be stale).
    /// </summary>
    public static async Task<string?> RecordAsync(DbConnection connection, DbTransaction transaction, string persistenceId, CancellationToken cancellationToken)
    {
        if (ReadIdentity(connection, transaction) is not { } identity)
        {
            return null;
        }

        var generation = Guid.NewGuid().ToString("D");
        await using var upsert = Command(connection, transaction,
            $"INSERT INTO {TableName}(user_key, generation) VALUES (@key, @generation) ON CONFLICT(user_key) DO UPDATE SET generation = excluded.generation",
            ("key", Key(identity, persistenceId)), ("generation", generation));
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return generation;
    }

    /// <summary>
    /// The current generation of <paramref name="persistenceId"/> in the journal at <paramref name="journal"/>: null
    /// when the person was never forgotten there.
    /// </summary>
    /// <exception cref="StoreFaultException">The journal database cannot be read.</exception>
    public static string? Generation(JournalLocation journal, string persistenceId)
    {
        try
        {
            using var connection = journal.CreateConnection();
            connection.Open();
            if (!TableExists(connection, TableName) || ReadIdentity(connection, null) is not { } identity)
            {
                return null;
            }

            using var command = Command(connection, null, $"SELECT generation FROM {TableName} WHERE user_key = @key", ("key", Key(identity, persistenceId)));
            return command.ExecuteScalar() as string;
        }
        catch (Exception ex) when (StoreFaults.Classify(ex, JournalIdentity.Describe(journal)) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>The row key of a person: hex SHA-256 of the journal identity and the persistence id.</summary>
    public static string Key(string identity, string persistenceId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity + "\n" + persistenceId)));

    private static string? ReadIdentity(DbConnection connection, DbTransaction? transaction)
    {
        if (!TableExists(connection, JournalIdentity.TableName, transaction))
        {
            return null;
        }

        using var command = Command(connection, transaction, $"SELECT id FROM {JournalIdentity.TableName} ORDER BY created_at LIMIT 1");
        return command.ExecuteScalar() as string;
    }

    private static bool TableExists(DbConnection connection, string table, DbTransaction? transaction = null)
    {
        using var command = Command(connection, transaction, connection is SqliteConnection
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @name", ("name", table));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}

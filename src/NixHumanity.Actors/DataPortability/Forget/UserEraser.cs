using System.Data.Common;
using Microsoft.Data.Sqlite;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using Npgsql;

namespace NixHumanity.Actors.DataPortability.Forget;

/// <summary>
/// Physically erases one person's data while their tree is stopped. The journal plugin's own delete only marks
/// rows (and keeps the highest one), which would leave the person's words on disk, so the rows are deleted with
/// SQL; on SQLite with <c>secure_delete</c> on, followed by <c>VACUUM</c> and a truncating WAL checkpoint so no
/// freed page and no write-ahead log still holds them.
/// </summary>
internal static class UserEraser
{
    /// <summary>Erases <paramref name="userId"/> from the journal at <paramref name="journal"/>, its snapshot store and
    /// <paramref name="data"/>.</summary>
    public static async Task<ForgetReport> EraseAsync(JournalLocation journal, DataDirectory data, string userId, CancellationToken cancellationToken = default)
    {
        var persistenceId = SessionActor.PersistenceIdFor(userId);
        var stores = new List<string>();
        var (events, snapshots, tags, generation) = journal.Provider switch
        {
            JournalProvider.Sqlite => await EraseSqliteAsync(journal.ConnectionString, persistenceId, cancellationToken).ConfigureAwait(false),
            _ => await ErasePostgresAsync(journal.ConnectionString, persistenceId, cancellationToken).ConfigureAwait(false),
        };
        stores.Add($"journal: {events} events, {tags} tag rows and {snapshots} snapshots deleted"
                   + (journal.Provider == JournalProvider.Sqlite ? " (secure_delete, VACUUM, WAL truncated)" : " (VACUUM FULL)"));
        if (generation is not null)
        {
            // Copies of the person's stores elsewhere (other nodes, a restored data directory) see that their
            // generation is not this one when they start and are deleted (ForgottenUsers, docs/adr/0023).
            stores.Add("journal: forget marker written (a new generation; projection copies of an earlier one are deleted when found)");
        }

        var (files, bytes) = DeleteFiles(data, userId, stores);
        return new ForgetReport(userId, events, snapshots, tags, files, bytes, stores);
    }

    private static async Task<(long Events, long Snapshots, long Tags, string? Generation)> EraseSqliteAsync(string connectionString, string persistenceId, CancellationToken cancellationToken)
    {
        if (!File.Exists(new SqliteConnectionStringBuilder(connectionString).DataSource))
        {
            return (0, 0, 0, null);
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "PRAGMA secure_delete = ON;", cancellationToken).ConfigureAwait(false);
        var rows = await DeleteRowsAsync(connection, persistenceId, cancellationToken).ConfigureAwait(false);

        await ExecuteAsync(connection, "VACUUM;", cancellationToken).ConfigureAwait(false);
        await TruncateWalAsync(connection, cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Moves the WAL into the database and truncates it; retried while a reader holds an older snapshot.</summary>
    private static async Task TruncateWalAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var busy = reader.GetInt64(0) != 0;
            if (!busy)
            {
                return;
            }

            if (attempt == 50)
            {
                throw new IOException("The journal's write-ahead log could not be truncated: another reader kept it busy. Run forget again.");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<(long Events, long Snapshots, long Tags, string? Generation)> ErasePostgresAsync(string connectionString, string persistenceId, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await DeleteRowsAsync(connection, persistenceId, cancellationToken).ConfigureAwait(false);

        // Rewrites the tables so the deleted tuples are not left in their pages (the write-ahead log keeps them until
        // its segments are recycled; docs/adr/0023 says what PostgreSQL keeps).
        await ExecuteAsync(connection, "VACUUM FULL journal, tags, snapshot;", cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>
    /// Deletes the person's tag, event and snapshot rows and writes the forget marker in one transaction (the same SQL
    /// on both databases): no copy can see the rows gone without the marker that says why.
    /// </summary>
    private static async Task<(long Events, long Snapshots, long Tags, string? Generation)> DeleteRowsAsync(DbConnection connection, string persistenceId, CancellationToken cancellationToken)
    {
        // Outside the transaction: a creation racing another node's must not abort the forget (ForgottenUsers).
        await ForgottenUsers.EnsureTableAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var tags = await DeleteAsync(connection, transaction, "tags", persistenceId, cancellationToken).ConfigureAwait(false);
        var events = await DeleteAsync(connection, transaction, "journal", persistenceId, cancellationToken).ConfigureAwait(false);
        var snapshots = await DeleteAsync(connection, transaction, "snapshot", persistenceId, cancellationToken).ConfigureAwait(false);
        var generation = await ForgottenUsers.RecordAsync(connection, transaction, persistenceId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (events, snapshots, tags, generation);
    }

    private static async Task<long> DeleteAsync(DbConnection connection, DbTransaction transaction, string table, string persistenceId, CancellationToken cancellationToken)
    {
        if (!await TableExistsAsync(connection, transaction, table, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"DELETE FROM {table} WHERE persistence_id = @pid";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@pid";
        parameter.Value = persistenceId;
        command.Parameters.Add(parameter);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = connection is SqliteConnection
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @name";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@name";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the user's folder (memory, analytics, tensor fragments, any cache) and their charts.</summary>
    /// <param name="data">The data directory.</param>
    /// <param name="userId">The person.</param>
    /// <param name="stores">Receives a line per store touched.</param>
    /// <returns>Files deleted and their total size.</returns>
    public static (int Files, long Bytes) DeleteFiles(DataDirectory data, string userId, List<string> stores)
    {
        var files = 0;
        var bytes = 0L;
        var userFolder = data.UserFolder(userId);
        if (Directory.Exists(userFolder))
        {
            foreach (var component in Directory.GetDirectories(userFolder).Order(StringComparer.Ordinal))
            {
                var componentFiles = Directory.GetFiles(component, "*", SearchOption.AllDirectories);
                var componentBytes = componentFiles.Sum(f => new FileInfo(f).Length);
                files += componentFiles.Length;
                bytes += componentBytes;
                stores.Add($"{Path.GetFileName(component)}: {componentFiles.Length} files ({componentBytes:N0} bytes) deleted");
            }

            var loose = Directory.GetFiles(userFolder);
            files += loose.Length;
            bytes += loose.Sum(f => new FileInfo(f).Length);
            Directory.Delete(userFolder, recursive: true);
        }

        var charts = Path.Combine(data.Root, "charts");
        if (Directory.Exists(charts))
        {
            // Exactly this person's names: a pattern like "*-maya.png" would also match "anna-maya"'s charts.
            foreach (var chart in ChartFiles.Kinds.Select(kind => Path.Combine(charts, ChartFiles.FileName(kind, userId))).Where(File.Exists))
            {
                bytes += new FileInfo(chart).Length;
                files++;
                File.Delete(chart);
                stores.Add($"chart {Path.GetFileName(chart)} deleted");
            }
        }

        return (files, bytes);
    }
}

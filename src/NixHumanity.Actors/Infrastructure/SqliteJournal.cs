using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>Preparation of the embedded SQLite journal file before the actor system opens it.</summary>
internal static class SqliteJournal
{
    /// <summary>
    /// SQLite's soft heap limit that <see cref="Prepare"/> sets for the process when none is set (docs/adr/0051): every
    /// connection keeps its own page cache, up to 2 MB by default, and the journal's pooled connections (the writer,
    /// every catch-up and recovery reading at once) each filled theirs as the journal grew. Over the limit SQLite
    /// reuses cached pages instead of allocating more; the journal's writes touch the tail of its two B-trees and a
    /// catch-up reads the newest rows of one user, a few hundred pages.
    /// </summary>
    public const long HeapLimitBytes = 4 * 1024 * 1024;

    /// <summary>Connection string for the journal file. A shared cache is not used: WAL gives readers their own snapshot.</summary>
    public static string ConnectionStringFor(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();

    /// <summary>
    /// Creates the folder and the file and switches it to WAL. WAL cannot be requested in the connection string
    /// (Microsoft.Data.Sqlite rejects it) but it sticks to the file once set, so doing it here covers every
    /// connection the journal opens later.
    /// </summary>
    /// <exception cref="StoreFaultException">The folder or file cannot be created, or the file is not a SQLite journal
    /// (also when it, or its <c>-wal</c> or <c>-shm</c> file, is a pipe, device or socket: never opened, as a FIFO would
    /// block the open for ever).</exception>
    public static void Prepare(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var path = Path.GetFullPath(builder.DataSource);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (InputFile.NonRegularKind(file) is { } found)
            {
                throw new StoreFaultException(StoreFaultKind.Unreadable, file, new IOException($"{found}, not a journal file; move it away"));
            }
        }

        try
        {
            if (Path.GetDirectoryName(path) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
            LimitHeap(command);
        }
        catch (Exception ex) when (StoreFaults.Classify(ex, path) is { } fault)
        {
            // One typed fault naming the file, instead of the driver's exception deep inside the host's start-up.
            throw fault;
        }
    }

    /// <summary>
    /// Sets <see cref="HeapLimitBytes"/> as SQLite's soft heap limit unless one is set: the limit is the process's, so
    /// one a host set for its own SQLite databases is kept.
    /// </summary>
    private static void LimitHeap(SqliteCommand command)
    {
        command.CommandText = "PRAGMA soft_heap_limit;";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            command.CommandText = $"PRAGMA soft_heap_limit = {HeapLimitBytes};";
            command.ExecuteNonQuery();
        }
    }
}

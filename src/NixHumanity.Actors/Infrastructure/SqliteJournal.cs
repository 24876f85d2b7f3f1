using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>Preparation of the embedded SQLite journal file before the actor system opens it.</summary>
internal static class SqliteJournal
{
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
        }
        catch (Exception ex) when (StoreFaults.Classify(ex, path) is { } fault)
        {
            // One typed fault naming the file, instead of the driver's exception deep inside the host's start-up.
            throw fault;
        }
    }
}

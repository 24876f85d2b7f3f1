using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>Direct, read-only look at the SQLite journal file, independent of the actor system.</summary>
public static class JournalFile
{
    public static long CountRows(string databasePath, string table)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }

    private static readonly string[] Companions = ["", "-wal", "-shm"];

    /// <summary>Cuts the journal to 0 bytes and removes its write-ahead log, as an operator's accident would (no actor
    /// system may have it open).</summary>
    public static void Empty(string databasePath)
    {
        SqliteConnection.ClearAllPools();
        File.WriteAllBytes(databasePath, []);
        File.Delete(databasePath + "-wal");
        File.Delete(databasePath + "-shm");
    }

    /// <summary>Copies the journal with its write-ahead log to <paramref name="copyPath"/> (a backup).</summary>
    public static void Copy(string databasePath, string copyPath)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in Companions)
        {
            File.Delete(copyPath + suffix);
            if (File.Exists(databasePath + suffix))
            {
                File.Copy(databasePath + suffix, copyPath + suffix);
            }
        }
    }
}

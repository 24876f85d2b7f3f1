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
        WaitUntilClosed(databasePath);
        File.WriteAllBytes(databasePath, []);
        File.Delete(databasePath + "-wal");
        File.Delete(databasePath + "-shm");
    }

    /// <summary>Copies the journal with its write-ahead log to <paramref name="copyPath"/> (a backup).</summary>
    public static void Copy(string databasePath, string copyPath)
    {
        WaitUntilClosed(databasePath);
        foreach (var suffix in Companions)
        {
            File.Delete(copyPath + suffix);
            if (File.Exists(databasePath + suffix))
            {
                File.Copy(databasePath + suffix, copyPath + suffix);
            }
        }
    }

    /// <summary>
    /// Returns once no file descriptor of this process points at the journal or its companions. A terminated actor
    /// system may still hold a connection a moment longer (a projection's read in flight when it stopped); closing it
    /// after the file was cut would checkpoint its write-ahead log back into the file and undo the accident.
    /// </summary>
    private static void WaitUntilClosed(string databasePath)
    {
        var targets = Companions.Select(suffix => Path.GetFullPath(databasePath) + suffix).ToHashSet(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            SqliteConnection.ClearAllPools();
            var open = Directory.EnumerateFileSystemEntries("/proc/self/fd")
                .Select(fd => { try { return new FileInfo(fd).LinkTarget; } catch (IOException) { return null; } })
                .Count(target => target is not null && targets.Contains(target.Replace(" (deleted)", "", StringComparison.Ordinal)));
            if (open == 0)
            {
                return;
            }

            // Not a timeout the test depends on: only a leaked connection ever reaches it, and then the test should fail.
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{open} connection(s) still hold {databasePath} open two minutes after the actor system stopped");
            }

            Thread.Sleep(20);
        }
    }
}

using System.Globalization;

namespace NixHumanity.Soak;

/// <summary>
/// The shares of glibc's heap that can be told apart from inside the process: SQLite's own count of what it has
/// allocated (<c>sqlite3_memory_used</c>: page caches, prepared statements, schema of every connection of the journal,
/// pooled or in use; SQLite allocates through <c>malloc</c>) and the journal's connections alive (file descriptors
/// open on <c>journal.db</c>: one per SQLite connection, pooled ones included).
/// </summary>
internal static class NativeBreakdown
{
    /// <summary>Bytes SQLite has allocated and not freed, all connections of the process together.</summary>
    public static long SqliteBytes() => SQLitePCL.raw.sqlite3_memory_used();

    /// <summary>Open file descriptors on a file named <c>journal.db</c> (SQLite connections), -1 off Linux.</summary>
    public static int JournalConnections()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return -1;
        }

        var count = 0;
        foreach (var fd in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.EndsWith("/journal.db", StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }

        return count;
    }

    /// <summary>The two figures as the sample line prints them.</summary>
    public static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"sqlite_used={SqliteBytes()} sqlite_connections={JournalConnections()}");
}

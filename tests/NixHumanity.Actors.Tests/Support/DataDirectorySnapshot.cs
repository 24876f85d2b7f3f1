namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// The files and folders under a data directory with their sizes, to show that a refused or read-only command left it
/// as it was. SQLite's shared-memory index (<c>-shm</c>) is left out and an absent write-ahead log counts as an empty
/// one: SQLite creates and removes both whenever it opens the journal, and they hold no rows of their own.
/// </summary>
public static class DataDirectorySnapshot
{
    /// <summary>One line per entry, <c>relative/path size</c> (folders as <c>relative/path/</c>), sorted; empty when
    /// <paramref name="root"/> does not exist.</summary>
    public static IReadOnlyList<string> Of(string root)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var entries = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            switch (entry)
            {
                case DirectoryInfo:
                    entries.Add(relative + "/");
                    break;
                case FileInfo { Length: 0 } when relative.EndsWith("-wal", StringComparison.Ordinal):
                case FileInfo when relative.EndsWith("-shm", StringComparison.Ordinal):
                    break;
                case FileInfo file:
                    entries.Add($"{relative} {file.Length}");
                    break;
            }
        }

        entries.Sort(StringComparer.Ordinal);
        return entries;
    }
}

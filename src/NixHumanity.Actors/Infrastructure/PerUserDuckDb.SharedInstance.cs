using DuckDB.NET.Data;

namespace NixHumanity.Actors.Infrastructure;

// What the class keeps per shared instance and per store connection.
internal static partial class PerUserDuckDb
{
    /// <summary>A store connection's instance, the alias its file is attached under and the file's full path (null: nothing attached).</summary>
    private sealed record Attachment(SharedInstance Instance, string? Alias, string? Path);

    /// <summary>
    /// One shared instance: the connection that keeps it alive, how many store connections use it, and the files its
    /// closed stores left attached (<see cref="LeaveFilesAttached"/>), by full path.
    /// </summary>
    private sealed class SharedInstance(string key, DuckDBConnection keeper, string spillFolder)
    {
        private readonly Dictionary<string, string> _leftAttached = new(StringComparer.Ordinal);

        public string Key { get; } = key;

        public string SpillFolder { get; } = spillFolder;

        public DuckDBConnection Keeper { get; } = keeper;

        public int Connections { get; set; }

        public void KeepAttached(string path, string alias)
        {
            lock (_leftAttached)
            {
                _leftAttached[path] = alias;
            }
        }

        public string? TakeLeftAttached(string path)
        {
            lock (_leftAttached)
            {
                return _leftAttached.Remove(path, out var alias) ? alias : null;
            }
        }
    }
}

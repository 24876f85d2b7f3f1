using System.Diagnostics;
using DuckDB.NET.Data;

namespace NixHumanity.Actors.Infrastructure;

// What the class keeps per shared instance and per store connection, and how an instance is taken and given back.
internal static partial class PerUserDuckDb
{
    /// <summary>
    /// The rows per row group of a memory store attached to its folder's instance (<c>ROW_GROUP_SIZE</c>; DuckDB's
    /// default is 122,880). That instance merges row groups at checkpoints (docs/adr/0051): each
    /// checkpoint starts a new row group, and DuckDB merges the small ones into groups of at most this size. The cap
    /// bounds how often a row is rewritten by those merges (DuckDB merges a tail once it reaches twice its first group,
    /// so with the default a 100k store kept rewriting tens of thousands of rows), at ~64 KB of heap per 2,048 rows.
    /// </summary>
    internal const int MemoryRowGroupSize = 2048;

    /// <summary>The shared instance for <paramref name="key"/> (created when missing), counted as used by one more connection.</summary>
    private static SharedInstance Reserve(string key, string? lockedTo)
    {
        while (true)
        {
            SharedInstance? closing;
            lock (_gate)
            {
                if (!_closingInstances.TryGetValue(key, out closing))
                {
                    if (!_instances.TryGetValue(key, out var instance))
                    {
                        var spill = CreateSpillFolder();
                        instance = new SharedInstance(key, CreateInstance(lockedTo is null ? null : Path.GetFullPath(lockedTo), spill), spill);
                        _instances[key] = instance;
                    }

                    instance.Connections++;
                    return instance;
                }
            }

            // The key's previous instance is closing (Release) and holds its files until it has closed. A new instance
            // must not attach one of them meanwhile: DuckDB's file lock is the process's, so it would not stop it.
            closing.WaitClosed();
        }
    }

    /// <summary>
    /// Counts one connection of <paramref name="instance"/> closed, and closes the instance with its last one, with every
    /// file still attached to it (<see cref="LeaveFilesAttached"/>). The close runs outside the process-wide gate: it
    /// took seconds at 1,000 users (docs/adr/0047), and under the gate it held every other store's close and open in
    /// the process, the other instance's close too, so a stopping node closed its two instances one after the other.
    /// </summary>
    private static void Release(SharedInstance instance)
    {
        lock (_gate)
        {
            if (--instance.Connections != 0)
            {
                return;
            }

            if (_leavingInstanceOpen && _leavingAttached && instance.Key.Length > 0)
            {
                // The node stops and its process ends right after (LeaveFilesAttached): the instance stays among the
                // open ones, with no connection, and the exit gives back its memory and file locks. A store of this
                // process that opens the key again reuses it.
                Interlocked.Increment(ref _instancesLeftOpen);
                return;
            }

            _instances.Remove(instance.Key);
            _closingInstances[instance.Key] = instance;
        }

        try
        {
            ClosingInstance?.Invoke(instance.Key);
            var started = Stopwatch.GetTimestamp();
            instance.Keeper.Dispose();
            var ended = Stopwatch.GetTimestamp();
            Interlocked.Add(ref _instanceCloseTicks, ended - started);
            _instanceCloses.Enqueue(new InstanceClose(instance.Key, instance.LeftAttachedCount, started, ended));
            DeleteSpillFolder(instance.SpillFolder);
        }
        finally
        {
            lock (_gate)
            {
                _closingInstances.Remove(instance.Key);
            }

            instance.MarkClosed();
        }
    }

    /// <summary>
    /// Called with an instance's key on the thread that closes it, outside the gate, right before the close: a spec
    /// holds a close there to show that it holds no other data directory's stores (null in the product).
    /// </summary>
    internal static Action<string>? ClosingInstance { get; set; }

    /// <summary>A store connection's instance, the alias its file is attached under and the file's full path (null: nothing attached).</summary>
    private sealed record Attachment(SharedInstance Instance, string? Alias, string? Path);

    /// <summary>
    /// One shared instance: the connection that keeps it alive, how many store connections use it, and the files its
    /// closed stores left attached (<see cref="LeaveFilesAttached"/>), by full path.
    /// </summary>
    private sealed class SharedInstance(string key, DuckDBConnection keeper, string spillFolder)
    {
        private readonly Dictionary<string, string> _leftAttached = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

        /// <summary>Blocks until <see cref="MarkClosed"/> (a store opening a file of the instance's key waits for its close).</summary>
        public void WaitClosed() => _closed.Task.Wait();

        public void MarkClosed() => _closed.TrySetResult();

        /// <summary>How many files closed stores left attached (<see cref="KeepAttached"/>) and no store has taken back.</summary>
        public int LeftAttachedCount
        {
            get
            {
                lock (_leftAttached)
                {
                    return _leftAttached.Count;
                }
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

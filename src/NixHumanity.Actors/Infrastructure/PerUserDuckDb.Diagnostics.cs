using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;

namespace NixHumanity.Actors.Infrastructure;

// What the shared instances hold, for the capacity benchmark's breakdown of a node's memory (docs/benchmarks.md,
// "Capacity per node"). Read on each instance's keeper under the gate: no store opens or closes meanwhile.
internal static partial class PerUserDuckDb
{
    private static long _closes;
    private static long _closesLeavingAttached;
    private static long _closeTicks;
    private static long _instanceCloseTicks;
    private static long _firstCloseStarted;
    private static long _lastCloseEnded;
    private static readonly System.Collections.Concurrent.ConcurrentQueue<InstanceClose> _instanceCloses = new();

    /// <summary>
    /// One shared instance's close on the close timeline (<see cref="CloseTimeline"/>): its key, the files its stores
    /// left attached to it, and when the close started and ended (<see cref="Stopwatch.GetTimestamp"/>).
    /// </summary>
    internal readonly record struct InstanceClose(string Key, int FilesLeftAttached, long Started, long Ended);

    /// <summary>
    /// Starts a new close timeline (the capacity benchmark does, right before a node's stop): the first and last store
    /// close and each shared instance's close after this call, read by <see cref="CloseTimeline"/>.
    /// </summary>
    internal static void ResetCloseTimeline()
    {
        Interlocked.Exchange(ref _firstCloseStarted, 0);
        Interlocked.Exchange(ref _lastCloseEnded, 0);
        _instanceCloses.Clear();
    }

    /// <summary>
    /// Since <see cref="ResetCloseTimeline"/>: when the first <see cref="Close"/> started and the last one ended
    /// (<see cref="Stopwatch.GetTimestamp"/>, 0 for none; an instance's close is inside its last store's), and each
    /// shared instance's close.
    /// </summary>
    internal static (long FirstCloseStarted, long LastCloseEnded, IReadOnlyList<InstanceClose> Instances) CloseTimeline() =>
        (Interlocked.Read(ref _firstCloseStarted), Interlocked.Read(ref _lastCloseEnded), [.. _instanceCloses]);

    private static void MarkCloseStarted(long started) => Interlocked.CompareExchange(ref _firstCloseStarted, started, 0);

    private static void MarkCloseEnded(long ended)
    {
        var last = Interlocked.Read(ref _lastCloseEnded);
        while (ended > last)
        {
            var seen = Interlocked.CompareExchange(ref _lastCloseEnded, ended, last);
            if (seen == last)
            {
                return;
            }

            last = seen;
        }
    }

    /// <summary>
    /// What the closes of this process have cost so far (the capacity benchmark reads it around a node's stop): the
    /// connections closed by <see cref="Close"/>, how many of them left their file attached
    /// (<see cref="LeaveFilesAttached"/>), the time spent in <see cref="Close"/> summed over all threads (it includes an
    /// instance's close when a store was its last), and the time spent closing shared instances.
    /// </summary>
    public static (long Closes, long LeftAttached, TimeSpan InClose, TimeSpan ClosingInstances) CloseStatistics() => (
        Interlocked.Read(ref _closes),
        Interlocked.Read(ref _closesLeavingAttached),
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _closeTicks)),
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _instanceCloseTicks)));

    /// <summary>
    /// The keys of the shared instances open in this process (see <see cref="SharedInstanceMemory"/>), read without
    /// connecting to them: an instance a stopped node left to the process's exit (<see cref="LeaveFilesAttached"/>)
    /// stays open while nothing connects to it, and a connection's close outside that scope would close it.
    /// </summary>
    internal static IReadOnlyList<string> OpenInstanceKeys()
    {
        lock (_gate)
        {
            return [.. _instances.Keys];
        }
    }

    /// <summary>
    /// One line per shared instance: its key (<c>learners</c> or the memories' folder), the files attached to it, and
    /// what its buffer manager holds by tag (<c>duckdb_memory()</c>, non-zero tags only) with the instance's total.
    /// Memory DuckDB allocates outside its buffer manager (catalogs of the attached databases, the allocator's own
    /// caches) is not in these figures; the benchmark reads it as RSS minus the managed heap and these.
    /// </summary>
    public static IReadOnlyList<string> DescribeSharedInstances()
    {
        var lines = new List<string>();
        lock (_gate)
        {
            foreach (var instance in _instances.Values)
            {
                var name = IsLearnersInstance(instance.Key) ? "learners" : "memories";
                var attached = Scalar(instance.Keeper, "SELECT count(*) FROM duckdb_databases() WHERE NOT internal AND database_name LIKE 'store_%'");
                var tags = new List<string>();
                long total = 0;
                using (var command = instance.Keeper.CreateCommand())
                {
                    command.CommandText = "SELECT tag, memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0 OR temporary_storage_bytes > 0 ORDER BY memory_usage_bytes DESC";
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        var bytes = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                        total += bytes;
                        tags.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)}={bytes / 1e6:F1}MB"));
                    }
                }

                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {instance.Connections} connections, {attached} files attached, buffer manager {total / 1e6:F1} MB ({string.Join(' ', tags)}), memory_limit {Text(instance.Keeper, "SELECT current_setting('memory_limit')")}"));
            }
        }

        return lines;
    }

    /// <summary>
    /// Checkpoints every file attached to a shared instance through the instance's keeper (the capacity benchmark's
    /// experiment of what folding the logs does to a node's memory; stores must be idle meanwhile). Returns the count.
    /// </summary>
    public static int CheckpointAllAttached()
    {
        var count = 0;
        lock (_gate)
        {
            foreach (var instance in _instances.Values)
            {
                var names = new List<string>();
                using (var command = instance.Keeper.CreateCommand())
                {
                    command.CommandText = "SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name LIKE 'store_%'";
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        names.Add(reader.GetString(0));
                    }
                }

                foreach (var name in names)
                {
                    try
                    {
                        Execute(instance.Keeper, $"CHECKPOINT {name}");
                        count++;
                    }
                    catch (DuckDBException)
                    {
                        // The store is writing or checkpointing itself (its quiet-period checkpoint) at this moment.
                    }
                }
            }
        }

        return count;
    }

    private static long Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string Text(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>Whether <paramref name="key"/> (from <see cref="SharedInstanceMemory"/>) is a learners' instance: the process's or a data directory's.</summary>
    internal static bool IsLearnersInstance(string key) => key.Length == 0 || key.StartsWith(LearnersKeyPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The memory each open shared instance reports in <c>duckdb_memory()</c> (its buffer manager's bytes: table data,
    /// write-ahead-log replay, indexes), by instance key (empty: the process's learners' instance; <c>learners:</c> and a users folder: that folder's
    /// learners' instance; otherwise the folder of the memories' instance); read by
    /// the soak's samples. Each instance is read through a connection of its own, made as a store's would be.
    /// </summary>
    internal static IReadOnlyList<(string Instance, long Bytes)> SharedInstanceMemory()
    {
        List<SharedInstance> instances;
        lock (_gate)
        {
            instances = [.. _instances.Values];
            foreach (var instance in instances)
            {
                instance.Connections++;
            }
        }

        var memory = new List<(string, long)>(instances.Count);
        foreach (var instance in instances)
        {
            try
            {
                using var connection = instance.Keeper.Duplicate();
                if (connection.State != System.Data.ConnectionState.Open)
                {
                    connection.Open();
                }

                using var command = connection.CreateCommand();
                command.CommandText = "SELECT CAST(coalesce(sum(memory_usage_bytes), 0) AS BIGINT) FROM duckdb_memory()";
                memory.Add((instance.Key, Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture)));
            }
            finally
            {
                Release(instance);
            }
        }

        return memory;
    }
}

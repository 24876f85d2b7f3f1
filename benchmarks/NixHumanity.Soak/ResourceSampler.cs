using System.Diagnostics;
using System.Globalization;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Soak;

/// <summary>
/// Prints one <c>sample</c> line every interval, so a long run shows whether memory and open file handles stay flat
/// while the acknowledgements grow (and one <c>stopped</c> line with the same fields after the host has stopped):
/// <c>sample SECONDS rss= live= heap= committed= native= duckdb= duckdb_learners= duckdb_memories= harness= handles= threads= acks= gc2= anon= malloc_used= malloc_free= sqlite_used= sqlite_connections= oom_retries=</c>.
/// </summary>
/// <remarks>
/// Every figure is in bytes except counts. <c>live</c> is the managed heap after a full blocking collection
/// (<see cref="GC.GetTotalMemory(bool)"/> with a forced collection: garbage never counts, unlike the heap size between
/// collections); <c>heap</c> and <c>committed</c> are that collection's heap size (live objects and fragmentation) and
/// the memory the GC has committed; <c>native</c> is RSS minus <c>committed</c> (DuckDB, SQLite, the runtime's own
/// code and stacks); <c>duckdb</c> is what the shared DuckDB instances report in <c>duckdb_memory()</c>:
/// <c>duckdb_learners</c> for the process's instance (every learner's analytics store and fragment queries) and
/// <c>duckdb_memories</c> for the data directory's (every memory store); <c>harness</c> is the harness's own list of
/// acknowledged ids, which the host never holds; <c>anon</c> the resident anonymous memory (Linux
/// <c>/proc/self/smaps_rollup</c>: the managed heap, malloc's arenas, DuckDB's allocator; RSS minus it is mapped
/// files); <c>malloc_used</c>/<c>malloc_free</c> glibc's heap in use and held free (<see cref="MallocInfo"/>);
/// <c>sqlite_used</c>/<c>sqlite_connections</c> SQLite's share of that heap and its journal connections
/// (<see cref="NativeBreakdown"/>); every sixth sample also prints one <c>duckdb SECONDS</c> line per shared instance
/// (its connections, attached files and buffer manager by tag); <c>oom_retries</c> the store writes retried after a checkpoint at DuckDB's memory limit;
/// <c>store_bytes</c> the size of every user's DuckDB files with their logs (memory, analytics, biometrics): the data
/// the attached stores hold, against which native growth is data growth or not (docs/adr/0051, amendment 2).
/// </remarks>
internal sealed class ResourceSampler(SoakOutput output, Func<int> acknowledged, Func<long> harnessBytes, string dataDirectory)
{
    // The run's time, from the sampler's creation: the sample lines' and the stopped line's seconds.
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _samples;

    public async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        Sample();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // The run's time is up.
        }

        Sample();
    }

    /// <summary>
    /// One <c>stopped</c> line (the fields of a <c>sample</c>) once the host has stopped: every store detached and every
    /// shared DuckDB instance closed, so what glibc's heap still holds then is not the stores' (a separate label, so
    /// the slopes over the <c>sample</c> lines do not take it in).
    /// </summary>
    public void SampleAfterStop() => Sample("stopped");

    private void Sample(string label = "sample")
    {
        var elapsed = _clock.Elapsed;
        var live = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var duckdb = DuckDbMemory();
        using var self = Process.GetCurrentProcess();
        var rss = self.WorkingSet64;
        var malloc = MallocInfo.Read();
        output.Line(string.Create(CultureInfo.InvariantCulture,
            $"{label} {elapsed.TotalSeconds:F0} rss={rss} live={live} heap={info.HeapSizeBytes} committed={info.TotalCommittedBytes} native={rss - info.TotalCommittedBytes} duckdb={duckdb.Process + duckdb.Folders} duckdb_learners={duckdb.Process} duckdb_memories={duckdb.Folders} harness={harnessBytes()} handles={OpenHandles()} threads={self.Threads.Count} acks={acknowledged()} gc2={GC.CollectionCount(2)} anon={Rollup("Anonymous:")} malloc_used={malloc.InUse} malloc_free={malloc.Free} {NativeBreakdown.Describe()} oom_retries={OutOfMemoryRetry.Retries} store_bytes={StoreBytes(dataDirectory)}"));
        if (++_samples % 6 == 1 && label == "sample")
        {
            foreach (var line in PerUserDuckDb.DescribeSharedInstances())
            {
                output.Line(string.Create(CultureInfo.InvariantCulture, $"duckdb {elapsed.TotalSeconds:F0} {line}"));
            }
        }
    }

    /// <summary>
    /// The shared DuckDB instances' own memory: the learners' instances (the process's and each data directory's) and
    /// the memories' (-1 each when reading failed, e.g. an instance closing meanwhile).
    /// </summary>
    private static (long Process, long Folders) DuckDbMemory()
    {
        try
        {
            var instances = PerUserDuckDb.SharedInstanceMemory();
            return (instances.Where(i => PerUserDuckDb.IsLearnersInstance(i.Instance)).Sum(i => i.Bytes),
                instances.Where(i => !PerUserDuckDb.IsLearnersInstance(i.Instance)).Sum(i => i.Bytes));
        }
        catch (Exception e) when (e is DuckDB.NET.Data.DuckDBException or ObjectDisposedException or InvalidOperationException)
        {
            return (-1, -1);
        }
    }

    /// <summary>A field of /proc/self/smaps_rollup in bytes, or -1 where it cannot be read.</summary>
    private static long Rollup(string field)
    {
        try
        {
            var line = File.ReadLines("/proc/self/smaps_rollup").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? -1 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>Bytes of the DuckDB files (and their write-ahead logs) under the data directory's users folder; -1 where it cannot be listed.</summary>
    private static long StoreBytes(string dataDirectory)
    {
        var users = Path.Combine(dataDirectory, "users");
        if (!Directory.Exists(users))
        {
            return 0;
        }

        long total = 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(users, "*.duckdb*", SearchOption.AllDirectories))
            {
                try
                {
                    total += new FileInfo(file).Length;
                }
                catch (IOException)
                {
                    // Replaced or deleted meanwhile (a log folded into its file).
                }
            }
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }

        return total;
    }

    /// <summary>Open file descriptors (Linux: entries of /proc/self/fd); -1 where that folder does not exist.</summary>
    private static int OpenHandles() =>
        Directory.Exists("/proc/self/fd") ? Directory.GetFileSystemEntries("/proc/self/fd").Length : -1;
}

using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// How many DuckDB threads one analytics query may use. The learners' stores start with one thread (one store per person
/// and component share the machine, see <c>PerUserDuckDb</c>); a query someone asked for runs on the cores that are
/// idle at that moment, and the count stays until the next query sets it again (<see cref="Lend"/>): the processor count
/// minus what other processes keep busy, at least one. What others keep busy
/// is the one-minute load average minus this process's own share of it (its CPU time over its life, counted over at
/// least a minute): the load average counts our own threads too, and on an otherwise idle machine a host that has
/// just been working would otherwise lend itself nothing. Where the load average cannot be read (not Linux), every
/// core counts as free.
/// </summary>
internal static class QueryThreads
{
    private const string LoadAverageFile = "/proc/loadavg";

    /// <summary>
    /// The cores idle right now: <c>processors − round(load average − own load)</c>, between 1 and the processor count.
    /// </summary>
    public static int Free() => Free(Environment.ProcessorCount, ReadLoadAverage(), OwnLoad());

    /// <summary>The same rule for given figures (specs).</summary>
    /// <param name="processors">Cores of the machine.</param>
    /// <param name="loadAverage">One-minute load average, or <c>null</c> when unknown.</param>
    /// <param name="ownLoad">This process's share of the load average (its average number of busy threads).</param>
    public static int Free(int processors, double? loadAverage, double ownLoad = 0)
    {
        var others = loadAverage is { } load && double.IsFinite(load) ? load - (double.IsFinite(ownLoad) ? Math.Max(0, ownLoad) : 0) : 0;
        var busy = (int)Math.Round(Math.Max(0, others));
        return Math.Clamp(processors - busy, 1, Math.Max(1, processors));
    }

    /// <summary>
    /// This process's average number of busy threads: its CPU time divided by its age, the age counted as at least a
    /// minute (a process younger than that has added only its CPU seconds over 60 to the one-minute average).
    /// </summary>
    private static double OwnLoad()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var age = Math.Max(60, (DateTime.Now - process.StartTime).TotalSeconds);
        return process.TotalProcessorTime.TotalSeconds / age;
    }

    /// <summary>
    /// Cores a measurement lends every query whatever the load (the learning benchmark's side-by-side run against the
    /// raw SQL on DuckDB's default threads); null in the product, where <see cref="Free()"/> decides.
    /// </summary>
    internal static int? MeasurementCores { get; set; }

    /// <summary>
    /// Sets <paramref name="database"/>'s thread count to the cores free now (<see cref="Free()"/>) when it runs with a
    /// different count, and leaves it there after the query: the next query sets it again, down to one when the machine
    /// is busy by then. Returns the thread count the query runs with.
    /// <para>
    /// Not given back after each query: DuckDB stops and starts its worker threads whenever the count changes, and the
    /// new threads allocate afresh the memory the old ones had freed. On the interruption query (10M-row benchmark) a
    /// raise before and a drop after every run cost ~27,000 more minor page faults (~110 MB first touched again) and
    /// ~100 ms more system CPU per run than the same query on a thread count that stays put
    /// (docs/benchmarks-learning.md, "Where the store's extra time went"). The instance is the one all learners of the
    /// process share (<c>PerUserDuckDb.OpenShared</c>), so the count that stays is one pool for the whole process, not
    /// one per person.
    /// </para>
    /// </summary>
    public static int Lend(AnalyticsDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var threads = MeasurementCores is { } cores ? Math.Max(1, cores) : Free();
        if (CurrentThreads(database) != threads)
        {
            database.Execute($"SET threads = {threads.ToString(CultureInfo.InvariantCulture)}");
        }

        return threads;
    }

    /// <summary>The thread count <paramref name="database"/>'s instance runs with now.</summary>
    internal static int CurrentThreads(AnalyticsDatabase database)
    {
        using var command = database.Prepare("SELECT current_setting('threads')");
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static double? ReadLoadAverage()
    {
        try
        {
            if (!File.Exists(LoadAverageFile))
            {
                return null;
            }

            var first = File.ReadAllText(LoadAverageFile).Split(' ', 2)[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

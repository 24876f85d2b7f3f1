using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// How many DuckDB threads one analytics query may use. The learners' stores start with one thread (one store per person
/// and component share the machine, see <c>PerUserDuckDb</c>); a query someone asked for runs on the cores that are
/// idle at that moment, and the count stays until the next query sets it again (<see cref="Lend"/>): the processor count
/// minus the threads running or ready to run right now other than the one asking, at least one. "Right now" is the
/// kernel's count of runnable threads (the fourth field of <c>/proc/loadavg</c>), not the one-minute load average: the
/// average trails by a minute and counts the host's own recent work (and a query's own threads, run after run), so on
/// a machine that had just been busy, or on an idle one after a few queries, it lent one core where two were free
/// (docs/benchmarks-learning.md, "Quiet re-run after this round's merges"). Where the count cannot be read (not Linux),
/// every core counts as free.
/// </summary>
internal static class QueryThreads
{
    private const string LoadAverageFile = "/proc/loadavg";

    /// <summary>The cores idle right now: <c>processors − (runnable threads − 1)</c>, between 1 and the processor count.</summary>
    public static int Free() => Free(Environment.ProcessorCount, ReadRunnableOthers());

    /// <summary>The same rule for given figures (specs).</summary>
    /// <param name="processors">Cores of the machine.</param>
    /// <param name="busyElsewhere">Threads running or ready to run besides the asking one, or <c>null</c> when unknown.</param>
    public static int Free(int processors, double? busyElsewhere)
    {
        var others = busyElsewhere is { } busy && double.IsFinite(busy) ? busy : 0;
        var taken = (int)Math.Round(Math.Max(0, others));
        return Math.Clamp(processors - taken, 1, Math.Max(1, processors));
    }

    /// <summary>
    /// The threads running or ready to run besides the reading one, from a <c>/proc/loadavg</c> line
    /// (<c>"0.52 0.58 0.59 3/467 12345"</c>: the fourth field is runnable/total and counts the reader itself); null
    /// when the line has no such field.
    /// </summary>
    internal static int? RunnableOthers(string loadAverageLine)
    {
        var fields = loadAverageLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4)
        {
            return null;
        }

        var runnable = fields[3].Split('/')[0];
        return int.TryParse(runnable, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? Math.Max(0, count - 1) : null;
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
    /// node share (<c>PerUserDuckDb.OpenLearnerShared</c>), so the count that stays is one pool for the node, not one
    /// per person.
    /// </para>
    /// </summary>
    public static int Lend(AnalyticsDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var current = CurrentThreads(database);
        var threads = MeasurementCores is { } cores ? Math.Max(1, cores) : Settle(current, Environment.ProcessorCount, ReadRunnableOthers());
        if (current != threads)
        {
            database.Execute($"SET threads = {threads.ToString(CultureInfo.InvariantCulture)}");
        }

        return threads;
    }

    /// <summary>
    /// The count a query runs with, given the instance's <paramref name="current"/> count: raised to the free cores
    /// whenever more are free, lowered only when the machine is saturated (<paramref name="busyElsewhere"/> ≥
    /// <paramref name="processors"/>) or fewer than half the current count are free. The runnable count is a snapshot:
    /// a thread of the previous query still finishing, or a collection, counts as busy for an instant, and following
    /// every such instant restarted DuckDB's workers every other query (38,335 minor page faults per interruption run
    /// against 4,546 on a count that stayed, docs/benchmarks-learning.md, "Quiet re-run after this round's merges").
    /// </summary>
    internal static int Settle(int current, int processors, double? busyElsewhere)
    {
        var free = Free(processors, busyElsewhere);
        if (free >= current)
        {
            return free;
        }

        var saturated = busyElsewhere is { } busy && double.IsFinite(busy) && busy >= processors;
        return saturated || free < current / 2.0 ? free : current;
    }

    /// <summary>The thread count <paramref name="database"/>'s instance runs with now.</summary>
    internal static int CurrentThreads(AnalyticsDatabase database)
    {
        using var command = database.Prepare("SELECT current_setting('threads')");
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static int? ReadRunnableOthers()
    {
        try
        {
            return File.Exists(LoadAverageFile) ? RunnableOthers(File.ReadAllText(LoadAverageFile)) : null;
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

using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// How many DuckDB threads one analytics query may use. A learner's store runs with one thread (one store per person
/// and component share the machine, see <c>PerUserDuckDb</c>); a query someone asked for may borrow the cores that are
/// idle at that moment: the processor count minus what other processes keep busy, at least one. What others keep busy
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
    /// Raises <paramref name="database"/>'s thread count to <see cref="Free()"/> until the returned scope is disposed,
    /// which sets it back to one. Nothing changes when only one core is free.
    /// </summary>
    public static IDisposable Borrow(AnalyticsDatabase database)
    {
        var threads = Free();
        if (threads <= 1)
        {
            return NoThreads.Instance;
        }

        database.Execute($"SET threads = {threads.ToString(CultureInfo.InvariantCulture)}");
        return new Borrowed(database);
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

    private sealed class Borrowed(AnalyticsDatabase database) : IDisposable
    {
        public void Dispose() => database.Execute("SET threads = 1");
    }

    private sealed class NoThreads : IDisposable
    {
        public static readonly NoThreads Instance = new();

        public void Dispose()
        {
        }
    }
}

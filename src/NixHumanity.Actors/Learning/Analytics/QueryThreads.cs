using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// How many DuckDB threads one analytics query may use. A learner's store runs with one thread (one store per person
/// and component share the machine, see <c>PerUserDuckDb</c>); a query someone asked for may borrow the cores that are
/// idle at that moment: the processor count minus the current one-minute load average, at least one. Where the load
/// average cannot be read (not Linux), every core counts as free.
/// </summary>
internal static class QueryThreads
{
    private const string LoadAverageFile = "/proc/loadavg";

    /// <summary>The cores idle right now: <c>processors − round(load average)</c>, between 1 and the processor count.</summary>
    public static int Free() => Free(Environment.ProcessorCount, ReadLoadAverage());

    /// <summary>The same rule for given figures (specs).</summary>
    /// <param name="processors">Cores of the machine.</param>
    /// <param name="loadAverage">One-minute load average, or <c>null</c> when unknown.</param>
    public static int Free(int processors, double? loadAverage)
    {
        var busy = loadAverage is { } load && double.IsFinite(load) ? (int)Math.Round(Math.Max(0, load)) : 0;
        return Math.Clamp(processors - busy, 1, Math.Max(1, processors));
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

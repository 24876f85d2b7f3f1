using System.Diagnostics;
using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.LearningBenchmarks;

/// <summary>
/// Where the store's time goes on the learning and interruption queries: the same SQL on the same file, step by step
/// from the raw SQL towards the store's call (own instance or the store's shared instance with the file attached; rows
/// only stepped through, read as boxed values, or read with the store's typed getters; the thread setting), all in one
/// process, side by side. Diagnostic: <c>--only query-breakdown [--data-folder DIR]</c> (the 10M-row file is generated
/// once into DIR and kept, so repeated runs skip the minute of generation). The <c>EXPLAIN ANALYZE</c> of each query on
/// both connections is written to the temp folder (<c>query-breakdown-explain-*.txt</c>) to compare the plans.
/// </summary>
internal static partial class Program
{
    private static void QueryBreakdown(string folder, long rows)
    {
        var file = Path.Combine(folder, AnalyticsStore.FileName);
        if (!File.Exists(file))
        {
            GenerateQueryData(folder, rows);
        }

        var processors = Environment.ProcessorCount;
        Console.WriteLine($"QueryThreads.Free() now: {QueryThreads.Free()} (processors {processors}, load {LoadAverage()})");
        using var own = new DuckDBConnection($"Data Source={file}");
        own.Open();
        var shared = PerUserDuckDb.OpenShared(file);
        try
        {
            var ownSettings = Settings(own);
            foreach (var (name, value) in Settings(shared))
            {
                if (!ownSettings.TryGetValue(name, out var ownValue) || ownValue != value)
                {
                    Console.WriteLine($"  setting {name}: own instance '{ownValue}', shared instance '{value}'");
                }
            }

            foreach (var query in new[] { AnalyticsQuery.Interruptions, AnalyticsQuery.Learning })
            {
                var sql = SqlOf(query);
                File.WriteAllText(Path.Combine(Path.GetTempPath(), $"query-breakdown-explain-own-{query}.txt"), Explain(own, sql));
                Exec(shared, $"SET threads = {processors}");
                File.WriteAllText(Path.Combine(Path.GetTempPath(), $"query-breakdown-explain-shared-{query}.txt"), Explain(shared, sql));

                // Interleaved: every round runs each step once, so a change in the machine's load hits all steps alike.
                var steps = new (string Name, Func<int> Run)[]
                {
                    ("raw: own instance, default threads, GetValues", () => ReadAll(own, sql)),
                    ("own instance, default threads, Read() only", () => StepThrough(own, sql)),
                    ("own instance, default threads, typed getters", () => ReadTyped(own, sql, query)),
                    ("shared + ATTACH, threads fixed at all, typed", () =>
                    {
                        Exec(shared, $"SET threads = {processors}");
                        return ReadTyped(shared, sql, query);
                    }),
                    ("shared + ATTACH, SET threads all then 1 around it, typed", () =>
                    {
                        Exec(shared, $"SET threads = {processors}");
                        var n = ReadTyped(shared, sql, query);
                        Exec(shared, "SET threads = 1");
                        return n;
                    }),
                    ("shared + ATTACH, threads 1, typed", () =>
                    {
                        Exec(shared, "SET threads = 1");
                        return ReadTyped(shared, sql, query);
                    }),
                    ("QueryThreads.Free() alone (x1000)", () =>
                    {
                        var sum = 0;
                        for (var i = 0; i < 1000; i++)
                        {
                            sum += QueryThreads.Free();
                        }

                        return sum > 0 ? -1 : 0;
                    }),
                };

                var samples = steps.Select(_ => new List<(double Wall, double User, double Sys, long Faults)>()).ToArray();
                using var process = Process.GetCurrentProcess();
                for (var round = -1; round < 7; round++)
                {
                    for (var s = 0; s < steps.Length; s++)
                    {
                        process.Refresh();
                        var user = process.UserProcessorTime;
                        var sys = process.PrivilegedProcessorTime;
                        var faults = MinorFaults();
                        var wall = Stopwatch.StartNew();
                        steps[s].Run();
                        var elapsed = wall.Elapsed.TotalMilliseconds;
                        process.Refresh();
                        if (round >= 0)
                        {
                            samples[s].Add((elapsed, (process.UserProcessorTime - user).TotalMilliseconds, (process.PrivilegedProcessorTime - sys).TotalMilliseconds, MinorFaults() - faults));
                        }
                    }
                }

                Console.WriteLine($"## {query} (load {LoadAverage()}); medians of 7 interleaved rounds");
                var baseline = Median(samples[0].Select(x => x.User + x.Sys));
                var baseWall = Median(samples[0].Select(x => x.Wall));
                for (var s = 0; s < steps.Length; s++)
                {
                    var wall = Median(samples[s].Select(x => x.Wall));
                    var cpu = Median(samples[s].Select(x => x.User + x.Sys));
                    Console.WriteLine($"  {steps[s].Name,-62} wall {wall,6:F0} (min {samples[s].Min(x => x.Wall),5:F0})  CPU {cpu,5:F0} = user {Median(samples[s].Select(x => x.User)),5:F0} + sys {Median(samples[s].Select(x => x.Sys)),4:F0}  faults {Median(samples[s].Select(x => (double)x.Faults)),7:F0}  ratio wall {wall / baseWall:F2} CPU {cpu / baseline:F2}");
                }
            }
        }
        finally
        {
            PerUserDuckDb.Close(shared);
        }

        // The same steps in blocks (1 warm-up + 5 runs in a row, as the benchmark runs each variant): memory first
        // touched (minor page faults) depends on what ran just before, which the interleaved rounds hide.
        var interruptions = SqlOf(AnalyticsQuery.Interruptions);
        var block = PerUserDuckDb.OpenShared(file);
        try
        {
            Block("own instance, default threads, typed", () => ReadTyped(own, interruptions, AnalyticsQuery.Interruptions));
            Exec(block, $"SET threads = {processors}");
            Block("shared + ATTACH, threads fixed at all, typed", () => ReadTyped(block, interruptions, AnalyticsQuery.Interruptions));
            Block("shared + ATTACH, SET threads all then 1 around each run, typed", () =>
            {
                Exec(block, $"SET threads = {processors}");
                var n = ReadTyped(block, interruptions, AnalyticsQuery.Interruptions);
                Exec(block, "SET threads = 1");
                return n;
            });
            Block("own instance, default threads, typed (again)", () => ReadTyped(own, interruptions, AnalyticsQuery.Interruptions));
        }
        finally
        {
            PerUserDuckDb.Close(block);
        }

        using var analytics = AnalyticsStore.Open(folder);
        foreach (var query in new[] { AnalyticsQuery.Interruptions, AnalyticsQuery.Learning })
        {
            var store = TimeWithCpu(() => analytics.Run(query).Rows.Count, 1, 7);
            var raw = TimeWithCpu(() => ReadAll(own, SqlOf(query)), 1, 7);
            Console.WriteLine($"  store {query}: wall {store.MedianMs:F0} CPU {store.CpuMedianMs:F0}; raw wall {raw.MedianMs:F0} CPU {raw.CpuMedianMs:F0}; QueryThreads lends {QueryThreads.Free()}");
        }
    }

    /// <summary>Minor page faults of this process so far (Linux; 0 elsewhere): memory first touched, a cost the load does not change.</summary>
    private static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return 0;
        }

        var stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Block(string name, Func<int> run)
    {
        run();
        var samples = new List<(double Wall, double Cpu, double Sys, long Faults)>();
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < 5; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var sys = process.PrivilegedProcessorTime;
            var faults = MinorFaults();
            var wall = Stopwatch.StartNew();
            run();
            var elapsed = wall.Elapsed.TotalMilliseconds;
            process.Refresh();
            samples.Add((elapsed, (process.TotalProcessorTime - cpu).TotalMilliseconds, (process.PrivilegedProcessorTime - sys).TotalMilliseconds, MinorFaults() - faults));
        }

        Console.WriteLine($"  block {name,-66} wall {Median(samples.Select(x => x.Wall)),6:F0}  CPU {Median(samples.Select(x => x.Cpu)),5:F0} (sys {Median(samples.Select(x => x.Sys)),4:F0})  faults {Median(samples.Select(x => (double)x.Faults)),7:F0}");
    }

    private static Dictionary<string, string> Settings(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, coalesce(value, '') FROM duckdb_settings()";
        using var reader = command.ExecuteReader();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            settings[reader.GetString(0)] = reader.GetString(1);
        }

        return settings;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static int StepThrough(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var count = 0;
        while (reader.Read())
        {
            count++;
        }

        return count;
    }

    private static int ReadTyped(DuckDBConnection connection, string sql, AnalyticsQuery query)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = (DuckDBDataReader)command.ExecuteReader();
        var count = 0;
        double sum = 0;
        while (reader.Read())
        {
            switch (query)
            {
                case AnalyticsQuery.Flow:
                    sum += reader.GetString(0).Length + reader.GetDouble(1) + (reader.IsDBNull(2) ? 0 : reader.GetDouble(2));
                    break;
                case AnalyticsQuery.Learning:
                    sum += reader.GetDateTime(0).Ticks + reader.GetDouble(1);
                    break;
                default:
                    sum += reader.GetDateTime(0).Ticks + (reader.IsDBNull(1) ? 0 : reader.GetDateTime(1).Ticks) + reader.GetInt64(2);
                    break;
            }

            count++;
        }

        return double.IsNaN(sum) ? -1 : count;
    }

    private static string Explain(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN ANALYZE " + sql;
        using var reader = command.ExecuteReader();
        var text = new System.Text.StringBuilder();
        while (reader.Read())
        {
            text.AppendLine(reader.GetValue(1)?.ToString());
        }

        return text.ToString();
    }
}

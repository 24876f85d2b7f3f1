using System.Diagnostics;
using DuckDB.NET.Data;
using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.LearningBenchmarks;

/// <summary>The three analytics queries on 10M rows, through the store and as raw SQL on the same file, side by side.</summary>
internal static partial class Program
{
    private static void Queries(string folder, long rows)
    {
        var file = Path.Combine(folder, AnalyticsStore.FileName);
        if (!File.Exists(file))
        {
            // A file kept from an earlier run (--data-folder) is queried as it is.
            GenerateQueryData(folder, rows);
        }

        foreach (var query in new[] { AnalyticsQuery.Flow, AnalyticsQuery.Learning, AnalyticsQuery.Interruptions })
        {
            // Side by side, the raw SQL first: the same statement on a plain DuckDB connection to the same file with
            // DuckDB's defaults (one thread per core), rows read into plain values; then the same on one thread (what
            // the store runs with when no core is idle, QueryThreads); then the store's own call. Wall and CPU time
            // (of this process, all threads) are both taken: on a loaded machine the wall clock says how much of a
            // core the run got, the CPU time how much work the query is.
            var sql = SqlOf(query);
            Timed<int> raw, rawOneThread;
            using (var connection = new DuckDBConnection($"Data Source={file}"))
            {
                connection.Open();
                raw = TimeWithCpu(() => ReadAll(connection, sql), warmups: 1, runs: 5);
                Exec(connection, "SET threads = 1");
                rawOneThread = TimeWithCpu(() => ReadAll(connection, sql), warmups: 1, runs: 5);
            }

            var loadRaw = LoadAverage();
            Timed<QueryResult> store;
            Timed<int> byName;
            Timed<int> allCores;
            var lent = QueryThreads.Free();
            using (var analytics = AnalyticsStore.Open(folder))
            {
                // The store's call reads the typed rows (what QueryFlowAsync & co. return); the second variant also
                // reads every cell of the result by column name, as the CLI's JSON and table output do. The third lends
                // the query every core whatever the load, as an idle machine would (QueryThreads): the raw SQL runs on
                // DuckDB's default threads whatever the load, so on a busy machine only this one is a like-for-like peer.
                store = TimeWithCpu(() => analytics.Run(query), warmups: 1, runs: 5);
                byName = TimeWithCpu(() => ReadCells(analytics.Run(query)), warmups: 1, runs: 5);
                QueryThreads.MeasurementCores = Environment.ProcessorCount;
                try
                {
                    allCores = TimeWithCpu(() => analytics.Run(query).Rows.Count, warmups: 1, runs: 5);
                }
                finally
                {
                    QueryThreads.MeasurementCores = null;
                }
            }

            var load = LoadAverage();
            if (store.Last.Rows.Count != raw.Last || rawOneThread.Last != raw.Last || byName.Last != raw.Last || allCores.Last != raw.Last)
            {
                throw new InvalidOperationException($"{query}: the store returned {store.Last.Rows.Count} rows ({byName.Last} by name), raw SQL {raw.Last} and {rawOneThread.Last}");
            }

            var ratio = store.MedianMs / raw.MedianMs;
            Report($"query {query.ToString().ToLowerInvariant()} on {rows:N0} interactions ({store.Last.Rows.Count:N0} rows out)",
                $"store median {store.MedianMs:F0} ms (min {store.MinMs:F0}, CPU {store.CpuMedianMs:F0}); " +
                $"raw SQL median {raw.MedianMs:F0} ms (min {raw.MinMs:F0}, CPU {raw.CpuMedianMs:F0}); ratio {ratio:F2}; " +
                $"raw SQL on 1 thread median {rawOneThread.MedianMs:F0} ms (min {rawOneThread.MinMs:F0}, CPU {rawOneThread.CpuMedianMs:F0}), " +
                $"ratio {store.MedianMs / rawOneThread.MedianMs:F2}; store + every cell by name median {byName.MedianMs:F0} ms (CPU {byName.CpuMedianMs:F0}); " +
                $"QueryThreads lent {lent}; store lent all {Environment.ProcessorCount} cores median {allCores.MedianMs:F0} ms (CPU {allCores.CpuMedianMs:F0}), " +
                $"ratio {allCores.MedianMs / raw.MedianMs:F2} (CPU {allCores.CpuMedianMs / raw.CpuMedianMs:F2}); " +
                $"minor page faults per run: store {store.Faults:F0}, all cores {allCores.Faults:F0}, raw {raw.Faults:F0}; " +
                $"load {loadRaw} / {load}",
                "≤ 1,000 ms and ≤ 1.5× raw", store.MedianMs <= 1000 && ratio <= 1.5 ? "met" : "missed");
        }
    }

    /// <summary>Wall-clock median and minimum, the median CPU time of the process and its median minor page faults
    /// (memory first touched: a cost the machine's load does not change) over the timed runs.</summary>
    private sealed record Timed<T>(double MedianMs, double MinMs, double CpuMedianMs, T Last, double Faults = 0);

    private static Timed<T> TimeWithCpu<T>(Func<T> action, int warmups, int runs)
    {
        var last = default(T)!;
        for (var i = 0; i < warmups; i++)
        {
            last = action();
        }

        var walls = new List<double>(runs);
        var cpus = new List<double>(runs);
        var faults = new List<double>(runs);
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var faulted = MinorFaults();
            var wall = Stopwatch.StartNew();
            last = action();
            walls.Add(wall.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpus.Add((process.TotalProcessorTime - cpu).TotalMilliseconds);
            faults.Add(MinorFaults() - faulted);
        }

        walls.Sort();
        cpus.Sort();
        faults.Sort();
        return new Timed<T>(walls[runs / 2], walls[0], cpus[runs / 2], last, faults[runs / 2]);
    }

    /// <summary>10M interactions and attempts and 1M events, generated inside DuckDB into the schema the store creates.</summary>
    private static void GenerateQueryData(string folder, long rows)
    {
        using (AnalyticsStore.Open(folder))
        {
            // Creates the schema; the bulk rows below are generated inside DuckDB for speed.
        }

        var generate = Stopwatch.StartNew();
        using (var duck = new DuckDBConnection($"Data Source={Path.Combine(folder, AnalyticsStore.FileName)}"))
        {
            duck.Open();
            Exec(duck, $"""
                INSERT INTO interactions
                SELECT i, 'i' || i, 'u' || (i % 10) || '-s' || (i // 400), 'user' || (i % 10),
                       TIMESTAMP '2024-01-01' + to_seconds(i * 6),
                       'install package ' || (i % 1000), 'nix-env -iA nixpkgs.p' || (i % 200), 'install', 'install',
                       CASE WHEN hash(i) % 10 < 7 THEN 'success' ELSE 'failure' END,
                       (hash(i * 3) % 1000) / 1000.0, (hash(i * 3) % 1000) / 1000.0, NULL,
                       CASE WHEN i % 3 = 0 THEN NULL ELSE (hash(i * 5) % 1000) / 1000.0 END,
                       (hash(i * 7) % 1000) / 1000.0
                FROM range({rows}) t(i)
                """);
            Exec(duck, $"""
                INSERT INTO command_attempts
                SELECT i, 'i' || i, 'user' || (i % 10), TIMESTAMP '2024-01-01' + to_seconds(i * 6),
                       'nix-env -iA nixpkgs.p' || (i % 200), hash(i) % 10 < 7, 10, 7,
                       least(1.0, 0.3 + 0.6 * i / {rows} + (hash(i * 11) % 100) / 1000.0)
                FROM range({rows}) t(i)
                """);
            // One event per 10 interactions: flow periods of 10 events (start, 8 notifications, end), numbered as
            // the projection numbers them; the notifications are timed inside their period.
            Exec(duck, $"""
                INSERT INTO events
                SELECT i,
                       CASE i % 10 WHEN 0 THEN 'flow_start' WHEN 9 THEN 'flow_end' ELSE 'notification' END,
                       TIMESTAMP '2024-01-01' + to_seconds(i * 60), NULL, 'update', NULL, NULL, 1 + i // 10
                FROM range({rows / 10}) t(i)
                """);
        }

        generate.Stop();
        Console.WriteLine($"generated {rows:N0} interactions + {rows:N0} attempts + {rows / 10:N0} events in {generate.Elapsed.TotalSeconds:F1} s");
    }

    private static string SqlOf(AnalyticsQuery query) => query switch
    {
        AnalyticsQuery.Flow => StrategyQueries.FlowSql,
        AnalyticsQuery.Learning => StrategyQueries.LearningSql,
        _ => StrategyQueries.InterruptionsSql,
    };

    private static int ReadAll(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var count = 0;
        var values = new object[reader.FieldCount];
        while (reader.Read())
        {
            reader.GetValues(values);
            count++;
        }

        return count;
    }

    /// <summary>Reads every cell of <paramref name="result"/> through its rows by column name; returns the rows read.</summary>
    private static int ReadCells(QueryResult result)
    {
        var rows = 0;
        foreach (var row in result.Rows)
        {
            foreach (var column in result.Columns)
            {
                _ = row[column];
            }

            rows++;
        }

        return rows;
    }

    /// <summary>The one-minute load average (Linux), to note with each figure.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}

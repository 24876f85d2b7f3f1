using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Session;

namespace NixHumanity.LearningBenchmarks;

/// <summary>
/// Scenario benchmarks of the learner's stores: the three analytics queries on 10M interactions, biometric ingest
/// and the last-hour average on 10M samples, tensor reads over 1,000 fragments and consolidation. Prints a
/// markdown table. Usage: <c>dotnet run -c Release --project benchmarks/NixHumanity.LearningBenchmarks [-- --rows N]</c>.
/// </summary>
internal static partial class Program
{
    private static readonly List<(string Scenario, string Result, string Target, string Verdict)> _results = [];

    private static int Main(string[] args)
    {
        var rows = 10_000_000L;
        var fragments = 1000;
        var foldRows = 1_000_000L;
        string? only = null;
        string? dataFolder = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--only")
            {
                only = args[i + 1];
            }

            if (args[i] == "--data-folder")
            {
                dataFolder = args[i + 1];
            }

            if (args[i] == "--rows")
            {
                rows = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--fold-rows")
            {
                foldRows = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--fragments")
            {
                fragments = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        var data = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "data");
        data = Path.GetFullPath(data);
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        Directory.CreateDirectory(data);
        Console.WriteLine($"data folder: {data}; rows: {rows:N0}; fragments: {fragments:N0}");
        var total = Stopwatch.StartNew();

        // --only projection|queries|biometrics|tensor runs one section (for iterating on one target).
        if (only is null or "projection")
        {
            Projection(Path.Combine(data, "projection"));
        }

        if (only is null or "queries")
        {
            Queries(dataFolder ?? Path.Combine(data, "analytics"), rows);
        }

        // A diagnostic, not part of the full run: the steps between the raw SQL and the store's call, on a file kept
        // between runs (--data-folder) so that repeated runs skip the generation.
        if (only == "query-breakdown")
        {
            QueryBreakdown(dataFolder ?? Path.Combine(data, "breakdown"), rows);
        }

        if (only is null or "biometrics")
        {
            Biometrics(Path.Combine(data, "biometrics"), rows);
        }

        if (only is null or "tensor")
        {
            Tensor(Path.Combine(data, "tensor"), fragments);
        }

        if (only is null or "consolidation")
        {
            Consolidation(Path.Combine(data, "consolidation"));
        }

        if (only is null or "fold")
        {
            Fold(Path.Combine(data, "fold"), foldRows);
        }

        Console.WriteLine();
        Console.WriteLine("| scenario | result | target | verdict |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (scenario, result, target, verdict) in _results)
        {
            Console.WriteLine($"| {scenario} | {result} | {target} | {verdict} |");
        }

        Console.WriteLine();
        Console.WriteLine($"total benchmark time: {total.Elapsed.TotalSeconds:F0} s");
        Directory.Delete(data, recursive: true);
        return 0;
    }

    /// <summary>
    /// Fold throughput: the learner's own fold code (<see cref="PreferenceFold"/>: aggregate the new interactions,
    /// compute the behaviour features, write one fragment, commit counters + transition counts + watermark) over
    /// <paramref name="rows"/> interactions in one catch-up fold, then incremental folds of 10,000 new interactions
    /// on top of them.
    /// </summary>
    private static void Fold(string folder, long rows)
    {
        using (AnalyticsStore.Open(folder))
        {
            // Creates the schema; the interactions are generated inside DuckDB for speed.
        }

        void Generate(long from, long count)
        {
            using var duck = new DuckDBConnection($"Data Source={Path.Combine(folder, AnalyticsStore.FileName)}");
            duck.Open();
            // A realistic mix: phrasings (spoken-like and terse), five install styles, git and dev-shell commands,
            // some without a command, sessions of 40, one interaction every 6 s.
            Exec(duck, $"""
                INSERT INTO interactions
                SELECT i, 'i' || i, 's' || (i // 40), 'maya', TIMESTAMP '2024-01-01' + to_seconds(i * 6),
                       CASE i % 4 WHEN 0 THEN 'can you install package ' || (i % 300) || ' please'
                                  WHEN 1 THEN 'install p' || (i % 300)
                                  WHEN 2 THEN 'how do i update my system'
                                  ELSE 'git pull' END,
                       CASE i % 9 WHEN 0 THEN 'nix-env -iA nixpkgs.p' || (i % 300)
                                  WHEN 1 THEN 'nix profile install nixpkgs#p' || (i % 300)
                                  WHEN 2 THEN 'sudo nixos-rebuild switch'
                                  WHEN 3 THEN 'home-manager switch'
                                  WHEN 4 THEN 'nix develop'
                                  WHEN 5 THEN 'git pull'
                                  WHEN 6 THEN 'cargo test'
                                  WHEN 7 THEN 'nix search nixpkgs p' || (i % 300)
                                  ELSE NULL END,
                       NULL, NULL,
                       CASE WHEN hash(i) % 10 < 8 THEN 'success' ELSE 'failure' END,
                       (hash(i * 3) % 1000) / 1000.0, (hash(i * 3) % 1000) / 1000.0, NULL,
                       CASE WHEN i % 3 = 0 THEN NULL ELSE (hash(i * 5) % 1000) / 1000.0 END, NULL
                FROM range({from}, {from + count}) t(i)
                """);
            Exec(duck, $"UPDATE checkpoint SET sequence_nr = {from + count - 1}");
        }

        var generate = Stopwatch.StartNew();
        Generate(1, rows);
        Console.WriteLine($"generated {rows:N0} interactions for folding in {generate.Elapsed.TotalSeconds:F1} s");

        using var analytics = AnalyticsStore.Open(folder);
        using var tensor = ParquetTensorStore.Open(folder);
        var stamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        // The learner also writes the 384-component preference direction it gets from the memory actor; computing it
        // is outside the learner (a weighted mean over the person's distinct commands), writing it is measured here.
        var direction = Enumerable.Range(0, PreferenceLayout.DefaultDimensions).Select(i => MathF.Sin(i) / 20).ToArray();
        var sw = Stopwatch.StartNew();
        var batch = PreferenceFold.Prepare(analytics) ?? throw new InvalidOperationException("nothing to fold");
        var report = PreferenceFold.Complete(analytics, tensor, batch, "maya", 1, stamp, direction);
        sw.Stop();
        if (report.Interactions != rows || PreferenceFold.Prepare(analytics) is not null)
        {
            throw new InvalidOperationException($"fold folded {report.Interactions}, expected {rows}, or left work behind");
        }

        var rate = rows / sw.Elapsed.TotalSeconds;
        Report($"fold {rows:N0} interactions in one fold (aggregate + {report.Features} features + fragment + transitions + commit)",
            $"{rate:N0} interactions/s ({sw.Elapsed.TotalMilliseconds:F0} ms)", "≥ 100,000 interactions/s", rate >= 100_000 ? "met" : "missed");

        // Incremental folds with the store open, as in the learner: new interactions arrive through ApplyBatch (the
        // live path, not timed), then one fold. Two sizes: what a long catch-up or import brings (100k) and a busy
        // fold interval (10k), where the fixed cost of a fold (one Parquet file, one commit) dominates.
        var seq = rows;
        foreach (var increment in new[] { 100_000, 10_000 })
        {
            var times = new List<double>();
            for (var round = 0; round < 5; round++)
            {
                var entries = new List<JournaledSessionEvent>(increment);
                for (var i = 0; i < increment; i++)
                {
                    seq++;
                    var command = (seq % 5) switch { 0 => "git pull", 1 => "nix develop", 2 => "cargo test", 3 => $"nix-env -iA nixpkgs.p{seq % 300}", _ => null };
                    entries.Add(new JournaledSessionEvent(seq, new InteractionRecorded($"i{seq}", "maya", $"s{seq / 40}", seq % 2 == 0 ? "can you run the tests please" : "tests",
                        command, null, null, (InteractionOutcome)(1 + (seq % 2)), null, 0.6, null, 0.5, stamp.AddSeconds(seq * 6))));
                }

                analytics.ApplyBatch(entries);
                var roundSw = Stopwatch.StartNew();
                var next = PreferenceFold.Prepare(analytics) ?? throw new InvalidOperationException("nothing to fold");
                var folded = PreferenceFold.Complete(analytics, tensor, next, "maya", 1, stamp.AddSeconds(30 * (times.Count + 1)), direction);
                roundSw.Stop();
                if (folded.Interactions != increment)
                {
                    throw new InvalidOperationException($"folded {folded.Interactions}, expected {increment}");
                }

                times.Add(roundSw.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var medianMs = times[times.Count / 2];
            var incremental = increment / (medianMs / 1000);
            Report($"fold {increment:N0} new interactions (store open, {rows:N0}+ already folded; median of 5)",
                $"{incremental:N0} interactions/s ({medianMs:F0} ms per fold)", "≥ 100,000 interactions/s", incremental >= 100_000 ? "met" : "missed");
        }
    }

    private static void Projection(string folder)
    {
        // Journal projection throughput through the public Apply path (batches of 1,000 as a replay would send).
        const int events = 100_000;
        var t0 = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        var journal = new List<JournaledSessionEvent>(events);
        for (var i = 0; i < events; i++)
        {
            ISessionEvent e = (i % 10) switch
            {
                8 => new NotificationDelivered($"n{i}", "mail", t0.AddSeconds(i)),
                9 => new FlowStarted(0.8, t0.AddSeconds(i)),
                _ => new InteractionRecorded($"i{i}", "maya", $"s{i / 50}", "install firefox", $"cmd{i % 40}", "install", "install",
                    (InteractionOutcome)(1 + (i % 2)), null, 0.5, 0.5, (i % 100) / 100.0, t0.AddSeconds(i)),
            };
            journal.Add(new JournaledSessionEvent(i + 1, e));
        }

        using var store = AnalyticsStore.Open(folder);
        var sw = Stopwatch.StartNew();
        foreach (var chunk in journal.Chunk(1000))
        {
            store.ApplyBatch(chunk);
        }

        sw.Stop();
        var rate = events / sw.Elapsed.TotalSeconds;
        Report("journal projection (ApplyBatch of 1,000; 100k events)", $"{rate:N0} events/s", "— (no target)", "info");
    }

    private static void Biometrics(string folder, long rows)
    {
        using var store = AnalyticsStore.Open(folder);
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        const int batch = 100_000;
        var buffer = new BiometricSample[batch];
        var ingest = Stopwatch.StartNew();
        for (long start = 0; start < rows; start += batch)
        {
            var n = (int)Math.Min(batch, rows - start);
            for (var i = 0; i < n; i++)
            {
                var k = start + i;
                buffer[i] = new BiometricSample(t0.AddSeconds(k), "maya", (k % 97) / 97.0, (k % 89) / 89.0, (k % 101) / 100.0);
            }

            store.AppendBiometrics(n == batch ? buffer : buffer[..n]);
        }

        ingest.Stop();
        var rate = rows / ingest.Elapsed.TotalSeconds;
        Report($"biometrics ingest, {rows:N0} samples in batches of 100k (validation + appender)", $"{rate:N0} samples/s", "≥ 100,000 samples/s", rate >= 100_000 ? "met" : "missed");

        // Small batches, as a sensor stream would send them.
        var small = new BiometricSample[1000];
        var t1 = t0.AddSeconds(rows);
        var smallSw = Stopwatch.StartNew();
        for (var b = 0; b < 100; b++)
        {
            for (var i = 0; i < small.Length; i++)
            {
                var k = (b * small.Length) + i;
                small[i] = new BiometricSample(t1.AddSeconds(k), "maya", 0.5, 0.5, (k % 101) / 100.0);
            }

            store.AppendBiometrics(small);
        }

        smallSw.Stop();
        var smallRate = 100_000 / smallSw.Elapsed.TotalSeconds;
        Report("biometrics ingest, 100k samples in batches of 1,000", $"{smallRate:N0} samples/s", "≥ 100,000 samples/s", smallRate >= 100_000 ? "met" : "missed");

        var now = t1.AddSeconds(100_000);
        var (median, min, avg) = Time(() => store.AverageFlowState(TimeSpan.FromHours(1), now), warmups: 3, runs: 50);
        var p95 = _lastP95;
        Report($"avg flow_state of the last hour on {rows + 100_000:N0} samples ({avg.Samples:N0} in window)",
            $"median {median:F2} ms, p95 {p95:F2} ms (min {min:F2})", "≤ 10 ms", median <= 10 ? "met" : "missed");
    }

    private static void Tensor(string folder, int fragments)
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var cells = new TensorCell[768];
        var write = Stopwatch.StartNew();
        using (var writer = ParquetTensorStore.Open(folder))
        {
            for (var f = 0; f < fragments; f++)
            {
                // One fold of one user (10 users taking turns), all 768 features, as the learner writes them.
                var user = f % 10;
                for (var feature = 0; feature < cells.Length; feature++)
                {
                    cells[feature] = new TensorCell(user, feature, ((f * 31) + feature) % 1000 / 1000f);
                }

                writer.Write(cells, t0.AddSeconds(30L * f));
            }
        }

        write.Stop();
        Report($"tensor write, {fragments:N0} fragments × 768 cells", $"{write.Elapsed.TotalMilliseconds / fragments:F1} ms per fragment", "— (no target)", "info");

        var open = Stopwatch.StartNew();
        using var store = ParquetTensorStore.Open(folder);
        open.Stop();
        Report($"tensor open: load the version index from {fragments:N0} fragments through DuckDB", $"{open.Elapsed.TotalMilliseconds:F0} ms", "— (no target)", "info");

        var latest = t0.AddDays(1);
        var middle = t0.AddSeconds(30L * fragments / 2);
        var (all, allMin, allRows) = Time(() => store.Read(latest), warmups: 1, runs: 20);
        Report($"tensor read at T (latest), all users, over {fragments:N0} fragments ({allRows.Count:N0} cells out), in-memory index", $"median {all:F2} ms (min {allMin:F2})", "≤ 50 ms", all <= 50 ? "met" : "missed");
        var (mid, midMin, midRows) = Time(() => store.Read(middle), warmups: 1, runs: 20);
        Report($"tensor read at T (middle), all users, {fragments / 2:N0} fragments ≤ T, in-memory index", $"median {mid:F2} ms (min {midMin:F2})", "≤ 50 ms", mid <= 50 ? "met" : "missed");
        var (one, oneMin, _) = Time(() => store.Read(latest, 3, new FeatureRange(384, 767)), warmups: 1, runs: 20);
        Report("tensor read at T, one user, features 384..767, in-memory index", $"median {one:F2} ms (min {oneMin:F2})", "≤ 50 ms", one <= 50 ? "met" : "missed");

        var (disk, diskMin, diskRows) = Time(() => store.ReadFromDisk(latest), warmups: 1, runs: 3);
        Report($"tensor read at T (latest), all users, DuckDB read_parquet over {fragments:N0} files", $"median {disk:F0} ms (min {diskMin:F0})", "≤ 50 ms", disk <= 50 ? "met" : "missed");
        var (diskOne, diskOneMin, _) = Time(() => store.ReadFromDisk(latest, 3, new FeatureRange(384, 767)), warmups: 1, runs: 3);
        Report($"tensor read at T, one user, DuckDB read_parquet over the {fragments / 10:N0} files holding the user", $"median {diskOne:F0} ms (min {diskOneMin:F0})", "≤ 50 ms", diskOne <= 50 ? "met" : "missed");
        if (!diskRows.SequenceEqual(allRows) || !store.ReadFromDisk(middle).SequenceEqual(midRows))
        {
            throw new InvalidOperationException("the in-memory index and the files disagree");
        }

        var consolidate = Stopwatch.StartNew();
        var merged = store.Consolidate(middle);
        consolidate.Stop();
        Report($"consolidate the {fragments / 2 + 1:N0} fragments ≤ the middle stamp", $"{consolidate.Elapsed.TotalMilliseconds:F0} ms → 1 fragment of {merged?.Cells:N0} cells", "— (no target)", "info");
        var (after, afterMin, afterRows) = Time(() => store.Read(latest), warmups: 1, runs: 20);
        var afterDisk = Stopwatch.StartNew();
        var afterDiskRows = store.ReadFromDisk(latest);
        afterDisk.Stop();
        if (!afterRows.SequenceEqual(allRows) || !afterDiskRows.SequenceEqual(allRows))
        {
            throw new InvalidOperationException("consolidation changed a read after the cut-off");
        }

        Report($"tensor read at T (latest) after consolidation ({store.ListFragments().Count:N0} fragments)", $"index median {after:F2} ms; DuckDB from files {afterDisk.Elapsed.TotalMilliseconds:F0} ms", "≤ 50 ms", after <= 50 ? "met" : "missed");
        var full = Stopwatch.StartNew();
        store.Consolidate(latest);
        full.Stop();
        var finalDisk = Stopwatch.StartNew();
        var finalRows = store.ReadFromDisk(latest);
        finalDisk.Stop();
        if (!finalRows.SequenceEqual(allRows))
        {
            throw new InvalidOperationException("full consolidation changed the latest read");
        }

        Report("consolidate all remaining fragments into one", $"{full.Elapsed.TotalMilliseconds:F0} ms; then DuckDB read from the single file {finalDisk.Elapsed.TotalMilliseconds:F0} ms", "— (no target)", "info");
    }

    private static double _lastP95;

    private static (double MedianMs, double MinMs, T Last) Time<T>(Func<T> action, int warmups, int runs)
    {
        var last = default(T)!;
        for (var i = 0; i < warmups; i++)
        {
            last = action();
        }

        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            last = action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        _lastP95 = times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)];
        return (times[times.Count / 2], times[0], last);
    }

    private static void Report(string scenario, string result, string target, string verdict)
    {
        _results.Add((scenario, result, target, verdict));
        Console.WriteLine($"{scenario}: {result} [{verdict}]");
    }

    private static void Exec(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

using System.Diagnostics;
using System.Globalization;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Session;

namespace NixHumanity.Benchmarks;

/// <summary>
/// Issue 16: what one user's store open costs as a function of how many users' files are already attached to the
/// shared DuckDB instances (a node reopening 1,000 users took 821 s, ~0.8 s per user against ~0.15 s at 200). It
/// writes <c>max(--attached) + --sample</c> users' stores (memory with 3 rows, analytics with 3 interactions,
/// biometrics, tensor folder) with the product's classes, closes them, then reopens users one after the other,
/// keeping each open (as a node reopening its users does), and times every step of each open with a stopwatch. It
/// prints, for the <c>--sample</c> users opened right after each size of <c>--attached</c>, the mean of each step.
/// No actors, no journal: the steps are the stores' own (the journal catch-up of a user at its last event is one
/// query that does not touch DuckDB).
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.Benchmarks -- --only reopen-breakdown
/// [--attached 10,100,500,1000] [--sample 20]
/// </summary>
internal static class ReopenBreakdownScenarios
{
    private static readonly string[] Steps =
    [
        "memory: attach (OpenShared, USE, current_database)", "memory: schema (CREATE IF NOT EXISTS, ALTER, meta)",
        "memory: store open (meta, versions, rows, indexes)", "analytics: attach", "analytics: old-biometrics check",
        "biometrics: attach", "biometrics: schema", "analytics: journal projection (schema, checkpoint)",
        "analytics: fold watermarks, transitions, ledger", "tensor: open (in-memory connection, fragments)",
        "(learner: AnalyticsStore.Open as a whole, repeating the analytics and biometrics steps; not in the sum)",
    ];

    public static Task RunAsync(string workDir, string[] args, BenchmarkReport report)
    {
        var sizes = Arg(args, "--attached", "10,100,500,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var sample = int.Parse(Arg(args, "--sample", "20"), CultureInfo.InvariantCulture);
        var users = sizes.Max() + sample;
        var usersFolder = Path.Combine(workDir, "reopen", "users");
        var clock = Stopwatch.StartNew();
        for (var u = 0; u < users; u++)
        {
            Create(usersFolder, u);
        }

        Console.Error.WriteLine($"reopen-breakdown: {users} users' stores written in {clock.Elapsed.TotalSeconds:F1} s (load {EmbeddingLoadScenarios.LoadAverage()})");
        var open = new List<IDisposable>();
        try
        {
            var sums = new Dictionary<int, double[]>();
            clock.Restart();
            for (var u = 0; u < users; u++)
            {
                var bin = sizes.Where(s => u >= s && u < s + sample).Cast<int?>().FirstOrDefault();
                var ticks = new double[Steps.Length];
                open.AddRange(OpenTimed(usersFolder, u, ticks));
                if (bin is { } size)
                {
                    var sum = sums.TryGetValue(size, out var s) ? s : sums[size] = new double[Steps.Length];
                    for (var i = 0; i < ticks.Length; i++)
                    {
                        sum[i] += ticks[i];
                    }
                }
            }

            Console.Error.WriteLine($"reopen-breakdown: {users} users reopened in {clock.Elapsed.TotalSeconds:F1} s (load {EmbeddingLoadScenarios.LoadAverage()})");
            foreach (var size in sizes)
            {
                var sum = sums[size];
                var total = 0.0;
                for (var i = 0; i < Steps.Length; i++)
                {
                    var ms = sum[i] / sample;
                    total += i < Steps.Length - 1 ? ms : 0;
                    report.Add($"[{size} users attached] {Steps[i]}", ms, "ms", "—", null);
                }

                report.Add($"[{size} users attached] one user's stores opened, in all", total, "ms", "—", null);
            }
        }
        finally
        {
            foreach (var store in open)
            {
                store.Dispose();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Writes user <paramref name="u"/>'s stores as a node leaves them: 3 memories, 3 interactions, closed.</summary>
    private static void Create(string usersFolder, int u)
    {
        var (memoryPath, learner) = Paths(usersFolder, u);
        var user = $"reopen-{u:D5}";
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000);
        var rng = new Random(u);
        using (var memory = VectorMemoryStore.Open(memoryPath, new VectorMemoryStoreOptions { SharedInstanceFolder = usersFolder }))
        {
            for (var i = 1; i <= 3; i++)
            {
                var vector = Enumerable.Range(0, VectorMemoryStore.DefaultDimensions).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
                memory.Upsert(i, new MemoryRecord($"nix run nixpkgs#tool{i}", $"run tool {i}", vector, "bench", at.AddMinutes(i), true));
            }
        }

        using (var analytics = AnalyticsStore.Open(learner))
        {
            analytics.ApplyBatch([.. Enumerable.Range(1, 3).Select(i => new JournaledSessionEvent(i, new InteractionRecorded(
                $"{user}-i{i}", user, "s1", $"run tool {i}", $"nix run nixpkgs#tool{i}", null, "run", InteractionOutcome.Success,
                null, null, null, 0.5, at.AddMinutes(i))))]);
        }

        ParquetTensorStore.Open(Path.Combine(learner, "tensor")).Dispose();
    }

    /// <summary>Opens user <paramref name="u"/>'s stores step by step, adding each step's milliseconds to <paramref name="ms"/>.</summary>
    private static IEnumerable<IDisposable> OpenTimed(string usersFolder, int u, double[] ms)
    {
        var (memoryPath, learner) = Paths(usersFolder, u);
        var step = Stopwatch.StartNew();
        double Lap()
        {
            var elapsed = step.Elapsed.TotalMilliseconds;
            step.Restart();
            return elapsed;
        }

        // The memory's own steps, then the store as the memory actor opens it (which repeats them, so their time is
        // taken away from its total).
        using (var table = MemoryTable.Open(memoryPath, VectorMemoryStore.DefaultDimensions, usersFolder))
        {
            ms[0] += Lap();
            table.CreateSchema(TimeProvider.System);
            table.ReadMeta();
            ms[1] += Lap();
        }

        Lap();
        var memory = VectorMemoryStore.Open(memoryPath, new VectorMemoryStoreOptions { SharedInstanceFolder = usersFolder });
        ms[2] += Math.Max(0, Lap() - ms[0] - ms[1]);

        var analyticsPath = Path.Combine(learner, AnalyticsStore.FileName);
        using (var db = AnalyticsDatabase.Open(analyticsPath))
        {
            ms[3] += Lap();
            BiometricsMove.OutOf(db, Path.Combine(learner, BiometricSeries.FileName));
            ms[4] += Lap();
            using (var biometrics = AnalyticsDatabase.Open(Path.Combine(learner, BiometricSeries.FileName)))
            {
                ms[5] += Lap();
                biometrics.Execute(BiometricSeries.Schema);
                ms[6] += Lap();
            }

            Lap();
            JournalProjection.Open(db, TimeProvider.System);
            ms[7] += Lap();
            var watermarks = FoldWatermarks.Open(db);
            var transitions = NextCommandTransitions.Open(db, watermarks);
            FoldLedger.Open(db, watermarks, transitions);
            ms[8] += Lap();
        }

        // As the learner opens them, kept open.
        Lap();
        var analytics = AnalyticsStore.Open(learner);
        ms[10] += Lap();
        var tensor = ParquetTensorStore.Open(Path.Combine(learner, "tensor"));
        ms[9] += Lap();
        return [memory, analytics, tensor];
    }

    private static (string Memory, string Learner) Paths(string usersFolder, int u)
    {
        var user = Path.Combine(usersFolder, $"reopen-{u:D5}");
        return (Path.Combine(user, "memory", VectorMemoryStore.FileName), Path.Combine(user, "learner"));
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}

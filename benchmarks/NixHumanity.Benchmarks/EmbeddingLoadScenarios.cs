using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Benchmarks;

/// <summary>
/// Issue 11 point 7: many users recording at once with a given embedder (the n-gram one, or the packaged
/// all-MiniLM-L6-v2 loaded for new events) and a given number of store threads (the projections' dispatcher), run one
/// after the other in one process so they can be compared. Per run: acknowledged interactions/s and ack p50/p99 (the
/// journal's promise), then how long the memories take to embed everything (every memory has all its commands).
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.Benchmarks -- --only embedding-load [--users 100] [--per-user 50] [--store-threads 4,1]
/// [--embedders ngram,minilm] [--embedding own,shared]: <c>own</c> is each memory embedding its own batches on its store
/// thread (<c>Memory.SharedEmbedding = false</c>, the batching before the shared service), <c>shared</c> the actor
/// system's embedding service (the default). Every combination runs, in the order given.
/// </summary>
internal static class EmbeddingLoadScenarios
{
    public static async Task RunAsync(string workDir, string[] args, BenchmarkReport report)
    {
        var users = Value(args, "--users", 100);
        var perUser = Value(args, "--per-user", 50);
        foreach (var (kind, threads) in StoreThreadVariants(args))
        {
            foreach (var shared in EmbeddingModes(args))
            {
                await RunOneAsync(Path.Combine(workDir, $"{kind}-{threads}-{(shared ? "shared" : "own")}"), kind, threads, shared, users, perUser, report);
            }
        }
    }

    private static async Task RunOneAsync(string dataDir, EmbedderKind kind, int storeThreads, bool shared, int users, int perUser, BenchmarkReport report)
    {
        var label = $"{kind}, {storeThreads} store thread{(storeThreads == 1 ? "" : "s")}, {(shared ? "shared service" : "per-memory batches")}";
        Console.Error.WriteLine($"{label}: {users} users × {perUser} sequential requests each, concurrently (load {LoadAverage()})");
        var options = new NixHumanityOptions { DataDirectory = dataDir, Embeddings = new EmbedderOptions { Kind = kind } };
        options.Memory.LoadModelForNewEvents = true;
        options.Memory.SharedEmbedding = shared;
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        var config = ConfigurationFactory.ParseString($"nixh.store-dispatcher.dedicated-thread-pool.thread-count = {storeThreads}")
            .WithFallback(NixHumanityConfig.Compose(options));
        var system = ActorSystem.Create("nixh-bench", config);
        var directory = system.ActorOf(UserDirectory.Props(options.ToUserSettings(), TimeProvider.System), "users");
        try
        {
            // Every tree started and every memory holding one embedded command first (the model loaded), so neither
            // recovery nor the model's load is part of the measurement.
            // One user first: the read journal the projections share is created once, and under heavy load its
            // creation can outlast the plugin's own 5 s ask when a hundred projections race for it.
            await directory.Ask<InteractionAcknowledged>(Interaction("user-0", -1), TimeSpan.FromSeconds(120));
            await WaitForMemoriesAsync(directory, 1, 1);
            await Task.WhenAll(Enumerable.Range(1, users - 1).Select(u => directory.Ask<InteractionAcknowledged>(Interaction($"user-{u}", -1), TimeSpan.FromSeconds(120))));
            await WaitForMemoriesAsync(directory, users, 1);

            var started = Stopwatch.GetTimestamp();
            var latencies = await Task.WhenAll(Enumerable.Range(0, users).Select(async u =>
            {
                var own = new List<double>(perUser);
                for (var i = 0; i < perUser; i++)
                {
                    var t = Stopwatch.GetTimestamp();
                    await directory.Ask<InteractionAcknowledged>(Interaction($"user-{u}", i), TimeSpan.FromSeconds(120));
                    own.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                return own;
            }));
            var acked = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await WaitForMemoriesAsync(directory, users, perUser + 1);
            var embedded = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var all = latencies.SelectMany(l => l).Order().ToList();
            var rate = users * perUser / acked;
            report.Add($"[{label}] acknowledged interactions/s ({users} users)", rate, "/s", "≥ 2,000/s", rate >= 2000);
            report.Add($"[{label}] ack p50", BenchmarkReport.Percentile(all, 0.5), "ms", "—", null);
            report.Add($"[{label}] ack p99", BenchmarkReport.Percentile(all, 0.99), "ms", "≤ 100 ms", BenchmarkReport.Percentile(all, 0.99) <= 100);
            report.Add($"[{label}] all {users * perUser} embedded and searchable after", embedded, "s", "—", null);
            report.Add($"[{label}] memories' embedding rate", users * perUser / embedded, "/s", "—", null);
            Console.Error.WriteLine($"{label}: done (load {LoadAverage()})");
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Each embedder of <c>--embedders</c> (default n-grams then MiniLM) with each store-thread count of <c>--store-threads 4,1</c> (default).</summary>
    private static IEnumerable<(EmbedderKind Kind, int Threads)> StoreThreadVariants(string[] args)
    {
        var counts = List(args, "--store-threads", "4,1").Select(int.Parse).ToArray();
        var kinds = List(args, "--embedders", "ngram,minilm")
            .Select(k => k == "ngram" ? EmbedderKind.NGram : k == "minilm" ? EmbedderKind.MiniLm : throw new ArgumentException($"--embedders: unknown embedder {k} (ngram or minilm)"))
            .ToArray();
        return counts.SelectMany(threads => kinds.Select(kind => (kind, threads)));
    }

    /// <summary>The embedding modes of <c>--embedding own,shared</c> (default both): true for the shared service.</summary>
    private static IEnumerable<bool> EmbeddingModes(string[] args) =>
        List(args, "--embedding", "own,shared")
            .Select(m => m == "shared" ? true : m == "own" ? false : throw new ArgumentException($"--embedding: unknown mode {m} (own or shared)"))
            .ToArray();

    private static string[] List(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return (at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static RecordInteraction Interaction(string user, int i) => new(
        user, "bench", $"install package number {i} please", $"nix-env -iA nixpkgs.pkg{i + 1}", "install_package", "install",
        i % 9 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success);

    /// <summary>Polls every memory's status until each holds <paramref name="rows"/> commands (polling, not timing: a benchmark).</summary>
    private static async Task WaitForMemoriesAsync(IActorRef directory, int users, int rows)
    {
        while (true)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, users).Select(u =>
                directory.Ask<ProjectionStatus>(new NixHumanity.Actors.Memory.GetMemoryStatus($"user-{u}"), TimeSpan.FromSeconds(300))));
            var ready = statuses.Count(s => s.Rows >= rows);
            if (ready == users)
            {
                return;
            }

            Console.Error.Write($"\r  {ready}/{users} memories hold {rows} commands   ");

            await Task.Delay(100);
        }
    }

    private static int Value(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    internal static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

using System.Diagnostics;
using Akka.Actor;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Benchmarks;

/// <summary>
/// Issue 11 point 7 with the packaged all-MiniLM-L6-v2, through the actor tree as a host runs it:
/// (1) one user's record → searchable: the time from sending a record until a search for the same words (sent right
/// after the acknowledgement; a search waits for what the memory holds) returns the new command — per-memory batches
/// and the shared embedding service side by side; (2) search latency at N memories of one user (default 10,000),
/// including the query's embedding and the fusion of the three channels, with each query new (the model runs) and
/// repeated (the query cache answers).
/// Usage: dotnet NixHumanity.Benchmarks.dll --only model-latency [--rounds 60] [--memories 10000] [--queries 200]
/// [--parts searchable,search]
/// </summary>
internal static class ModelLatencyScenarios
{
    private static readonly string[] Verbs =
    [
        "install", "remove", "update", "start", "stop", "restart", "configure", "enable", "disable", "open",
        "check", "repair", "back up", "clean", "show", "upgrade", "reset", "pin", "hide", "test",
    ];

    private static readonly string[] Things =
    [
        "firefox", "vlc", "the wifi", "bluetooth", "the printer", "steam", "libreoffice", "gimp", "the firewall", "ssh",
        "docker", "postgresql", "nginx", "the sound", "the screen brightness", "the keyboard layout", "git", "python",
        "the time zone", "the mouse", "thunderbird", "chromium", "zoom", "the webcam", "the fonts", "emacs", "vim",
        "the garbage collector", "the swap file", "the user account", "the display scaling", "flatpak", "the kernel",
        "the boot menu", "syncthing", "tailscale", "the backups", "the calendar", "the clock", "spotify", "obs studio",
        "the night light", "the touchpad", "the battery saver", "the updates", "the disk encryption", "the network share",
        "the power button", "the microphone", "the dark theme",
    ];

    private static readonly string[] Ways =
    [
        "please", "for me", "right now", "on this computer", "if you can", "again", "like yesterday", "for my grandson",
        "the easy way", "without breaking anything",
    ];

    public static async Task RunAsync(string workDir, string[] args, BenchmarkReport report)
    {
        var rounds = Value(args, "--rounds", 60);
        var memories = Value(args, "--memories", 10_000);
        var queries = Value(args, "--queries", 200);
        var at = Array.IndexOf(args, "--parts");
        var parts = at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : ["searchable", "search"];
        if (parts.Contains("searchable"))
        {
            foreach (var shared in new[] { false, true })
            {
                await RecordToSearchableAsync(Path.Combine(workDir, $"searchable-{(shared ? "shared" : "own")}"), shared, rounds, report);
            }
        }

        if (parts.Contains("search"))
        {
            await SearchAtScaleAsync(Path.Combine(workDir, "search"), memories, queries, report);
        }
    }

    private static async Task RecordToSearchableAsync(string dataDir, bool shared, int rounds, BenchmarkReport report)
    {
        var label = $"MiniLM, {(shared ? "shared service" : "per-memory batches")}";
        Console.Error.WriteLine($"{label}: one user's record → searchable, {rounds} rounds (load {EmbeddingLoadScenarios.LoadAverage()})");
        var (system, directory) = Start(dataDir, shared);
        try
        {
            // The model loaded and the tree started first: a first search waits for both.
            await Ask<InteractionAcknowledged>(directory, Record("rose", "install firefox please", "nix-env -iA nixpkgs.firefox"));
            await Ask<MemorySearched>(directory, new SearchMemory("rose", "firefox", 5));
            var searchable = new List<double>();
            var acks = new List<double>();
            var missed = 0;
            for (var i = 0; i < rounds; i++)
            {
                var text = Text(i * 7919 % (Verbs.Length * Things.Length * Ways.Length));
                var command = $"nixh-bench-command-{i}";
                var started = Stopwatch.GetTimestamp();
                await Ask<InteractionAcknowledged>(directory, Record("rose", text, command));
                acks.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var found = await Ask<MemorySearched>(directory, new SearchMemory("rose", text, 5));
                searchable.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!found.Results.Any(r => r.Command == command))
                {
                    missed++;
                }
            }

            acks.Sort();
            searchable.Sort();
            report.Add($"[{label}] record acknowledged p50", BenchmarkReport.Percentile(acks, 0.5), "ms", "—", null);
            report.Add($"[{label}] record → searchable p50 (search for the same words returns it)", BenchmarkReport.Percentile(searchable, 0.5), "ms", "≤ 50 ms",
                BenchmarkReport.Percentile(searchable, 0.5) <= 50);
            report.Add($"[{label}] record → searchable p95", BenchmarkReport.Percentile(searchable, 0.95), "ms", "—", null);
            report.Add($"[{label}] searches that missed the new command", missed, "", "0", missed == 0);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task SearchAtScaleAsync(string dataDir, int memories, int queries, BenchmarkReport report)
    {
        Console.Error.WriteLine($"MiniLM: search at {memories:N0} memories, {queries} queries (load {EmbeddingLoadScenarios.LoadAverage()})");
        var (system, directory) = Start(dataDir, shared: true);
        try
        {
            var loading = Stopwatch.StartNew();
            for (var from = 0; from < memories; from += 500)
            {
                await Task.WhenAll(Enumerable.Range(from, Math.Min(500, memories - from))
                    .Select(i => Ask<InteractionAcknowledged>(directory, Record("rose", Text(i), $"nixh-bench-command-{i}"))));
            }

            // Status waits for the batch in flight; on a loaded machine embedding thousands of texts takes minutes.
            while ((await Ask<ProjectionStatus>(directory, new GetMemoryStatus("rose"), TimeSpan.FromMinutes(30))).Rows is var rows && rows < memories)
            {
                Console.Error.Write($"\r  {rows:N0} of {memories:N0} embedded after {loading.Elapsed.TotalSeconds:F0} s   ");
                await Task.Delay(1000);
            }

            Console.Error.WriteLine($"  {memories:N0} memories recorded and embedded in {loading.Elapsed.TotalSeconds:F1} s");
            // Queries phrased unlike the records (new words around them), so each first search runs the model.
            var asked = Enumerable.Range(0, queries).Select(i => $"could you maybe {Text(i * 4099 % memories)} today").ToList();
            await Ask<MemorySearched>(directory, new SearchMemory("rose", "warm up the lexical channels", 10));
            var uncached = await TimeAsync(directory, asked);
            var cached = await TimeAsync(directory, asked);
            report.Add($"[MiniLM, {memories:N0} memories] search p50, query embedded (new query) + 3 channels fused", BenchmarkReport.Percentile(uncached, 0.5), "ms", "≤ 15 ms",
                BenchmarkReport.Percentile(uncached, 0.5) <= 15);
            report.Add($"[MiniLM, {memories:N0} memories] search p95, new query", BenchmarkReport.Percentile(uncached, 0.95), "ms", "—", null);
            report.Add($"[MiniLM, {memories:N0} memories] search p50, repeated query (cache)", BenchmarkReport.Percentile(cached, 0.5), "ms", "≤ 15 ms",
                BenchmarkReport.Percentile(cached, 0.5) <= 15);
            report.Add($"[MiniLM, {memories:N0} memories] search p95, repeated query", BenchmarkReport.Percentile(cached, 0.95), "ms", "—", null);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task<List<double>> TimeAsync(IActorRef directory, List<string> queries)
    {
        var times = new List<double>(queries.Count);
        foreach (var query in queries)
        {
            var started = Stopwatch.GetTimestamp();
            await Ask<MemorySearched>(directory, new SearchMemory("rose", query, 10));
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return times;
    }

    private static (ActorSystem System, IActorRef Directory) Start(string dataDir, bool shared)
    {
        var options = new NixHumanityOptions { DataDirectory = dataDir, Embeddings = new EmbedderOptions { Kind = EmbedderKind.MiniLm } };
        options.Memory.LoadModelForNewEvents = true;
        options.Memory.SharedEmbedding = shared;
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        var system = ActorSystem.Create("nixh-bench", NixHumanityConfig.Compose(options));
        return (system, system.ActorOf(UserDirectory.Props(options.ToUserSettings(), TimeProvider.System), "users"));
    }

    private static string Text(int i) =>
        $"{Verbs[i % Verbs.Length]} {Things[i / Verbs.Length % Things.Length]} {Ways[i / (Verbs.Length * Things.Length) % Ways.Length]}";

    private static RecordInteraction Record(string user, string text, string command) =>
        new(user, "bench", text, command, "bench", "bench", InteractionOutcome.Success);

    private static async Task<T> Ask<T>(IActorRef directory, object message, TimeSpan? timeout = null)
    {
        var reply = await directory.Ask<object>(message, timeout ?? TimeSpan.FromSeconds(300));
        return reply is T typed ? typed : throw new InvalidOperationException($"Expected {typeof(T).Name}, got {reply}");
    }

    private static int Value(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;
using Akka.Actor;

namespace NixHumanity.Benchmarks;

/// <summary>
/// Issue 16 point 6: what one node spends per active user. For each size of <c>--users 400,1000,2000</c> a fresh
/// process (this program with <c>--only capacity-node</c>, so no size inherits another's heap or DuckDB buffers) starts
/// the generic host with <c>AddNixHumanity</c> (n-gram embedder) on an empty data directory, has every user record
/// <c>--per-user</c> interactions (all users at once), waits until every user's memory and learner have applied them
/// (every user's tree running with both stores open: an <em>active</em> user), then samples the process: RSS, managed
/// heap after a full collection, open file descriptors, threads. Per user = (sample − sample before the first user) / N.
/// Then it waits <c>--quiet-seconds</c> (45) for the projections' checkpoints after a quiet period (docs/adr/0039) and
/// samples again, the trees still running. Then it stops the host and times the stop (where it went: stderr), and a second host reopens every user's stores
/// (none may need a repair). Side by side in one run, with the load average before and after each size.
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.Benchmarks -- --only capacity [--users 400,1000,2000] [--per-user 3]
/// [--fold-seconds 600] [--node-args "--fold-seconds 600 --quiet-seconds 45"] [--no-reopen (no second host: the reopen of
/// thousands of users takes many minutes)]
/// </summary>
internal static class CapacityScenarios
{
    private const string ResultPrefix = "capacity-result ";

    public static async Task RunAsync(string workDir, string[] args, BenchmarkReport report)
    {
        var sizes = Arg(args, "--users", "400,1000,2000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var perUser = Arg(args, "--per-user", "3");
        var extra = Arg(args, "--node-args", "");
        if (Array.IndexOf(args, "--fold-seconds") >= 0 && !extra.Contains("--fold-seconds", StringComparison.Ordinal))
        {
            extra += $" --fold-seconds {Arg(args, "--fold-seconds", "30")}";
        }

        if (args.Contains("--no-reopen") && !extra.Contains("--no-reopen", StringComparison.Ordinal))
        {
            extra += " --no-reopen";
        }

        if (args.Contains("--process-exits") && !extra.Contains("--process-exits", StringComparison.Ordinal))
        {
            extra += " --process-exits";
        }

        foreach (var users in sizes)
        {
            var loadBefore = EmbeddingLoadScenarios.LoadAverage();
            var dataDir = Path.Combine(workDir, $"capacity-{users}");
            var result = await RunNodeAsync(users, perUser, dataDir, extra);
            if (args.Contains("--reopen-process"))
            {
                // Every user reopened by a new process, after the first has exited (what a restarted nixh serve does).
                var reopened = await RunNodeAsync(users, perUser, dataDir, extra + " --reopen-only");
                result["reopen"] = reopened["reopen"];
                result["restop"] = reopened["restop"];
                result["repairs"] = reopened["repairs"];
            }
            var loadAfter = EmbeddingLoadScenarios.LoadAverage();
            var n = (double)users;
            var label = $"[{users} users]";
            report.Add($"{label} load average before / after", 0, $"({loadBefore}) / ({loadAfter})", "—", null);
            report.Add($"{label} baseline RSS (host started, no user)", result["rss0"] / 1e6, "MB", "—", null);
            report.Add($"{label} RSS, all active", result["rss"] / 1e6, "MB", "≤ 8,000 MB at 2,000", users < 2000 ? null : result["rss"] <= 8e9);
            report.Add($"{label} RSS per active user", (result["rss"] - result["rss0"]) / n / 1e6, "MB", "≤ 2 MB", (result["rss"] - result["rss0"]) / n <= 2e6);
            report.Add($"{label} managed heap per active user", (result["managed"] - result["managed0"]) / n / 1e6, "MB", "—", null);
            report.Add($"{label} open fds per active user", (result["fds"] - result["fds0"]) / n, "", "—", null);
            report.Add($"{label} RSS per user after the quiet-period checkpoints (trees still running)", (result["rssq"] - result["rss0"]) / n / 1e6, "MB", "≤ 2 MB", (result["rssq"] - result["rss0"]) / n <= 2e6);
            report.Add($"{label} open fds per user after the quiet-period checkpoints", (result["fdsq"] - result["fds0"]) / n, "", "—", null);
            report.Add($"{label} threads (all active)", result["threads"], "", "—", null);
            report.Add($"{label} start: every user recorded and projected", result["start"], "s", "—", null);
            report.Add($"{label} stop (host StopAsync)", result["stop"], "s", "≤ 10 s", result["stop"] <= 10);
            if (!double.IsNaN(result["reopen"]))
            {
                report.Add($"{label} a new host on the same data: every user's stores reopened", result["reopen"], "s", "—", null);
                report.Add($"{label} that host's stop", result["restop"], "s", "≤ 10 s", result["restop"] <= 10);
                report.Add($"{label} stores found damaged or behind on the reopen (store repairs)", result["repairs"], "", "0", result["repairs"] == 0);
            }

            report.Add($"{label} peak RSS (VmHWM)", result["hwm"] / 1e6, "MB", "—", null);
        }
    }

    /// <summary>One size in its own process; returns the figures it printed on its result line.</summary>
    private static async Task<Dictionary<string, double>> RunNodeAsync(int users, string perUser, string dataDir, string extra)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--only", "capacity-node", "--users", users.ToString(CultureInfo.InvariantCulture), "--per-user", perUser, "--data-dir", dataDir })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var a in extra.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        Dictionary<string, double>? result = null;
        var sinceResult = new Stopwatch();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
            {
                sinceResult.Start();
                result = line[ResultPrefix.Length..].Split(' ').Select(kv => kv.Split('='))
                    .ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
            }
        }

        await process.WaitForExitAsync();
        // The child prints its result line last: what follows is the process's exit (with --no-reopen, right after the
        // stop), where a host that left its stores' memory to the exit (docs/adr/0058) has it given back.
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"capacity {users}: the node process exited {sinceResult.Elapsed.TotalSeconds:F2} s after its result line (exit code {process.ExitCode})"));
        return result ?? throw new InvalidOperationException($"the {users}-user node exited {process.ExitCode} without a result");
    }

    /// <summary>The child: one host, <c>--users</c> users, prints one <c>capacity-result k=v …</c> line.</summary>
    public static async Task RunNodeAsync(string[] args)
    {
        var users = int.Parse(Arg(args, "--users", "400"), CultureInfo.InvariantCulture);
        var perUser = int.Parse(Arg(args, "--per-user", "3"), CultureInfo.InvariantCulture);
        var dataDir = Arg(args, "--data-dir", "");
        // The learners' periodic fold (30 s by default): at 1,000 users the folds of users with nothing new to fold kept
        // both store threads busy and no status was answered in 30 min (docs/benchmarks.md). --fold-seconds lengthens it
        // to measure what a user holds and costs to start and stop apart from the fold's throughput.
        var foldSeconds = int.Parse(Arg(args, "--fold-seconds", "30"), CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"capacity {users}: fold interval {foldSeconds} s");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(nixh =>
        {
            nixh.DataDirectory = dataDir;
            // Cold starts of thousands of users at once on two cores: rather wait than fail a record.
            nixh.AskTimeout = TimeSpan.FromSeconds(600);
            nixh.Embeddings = nixh.Embeddings with { Kind = EmbedderKind.NGram };
            nixh.FoldInterval = TimeSpan.FromSeconds(foldSeconds);
            // Every user is to stay active: with the default 10 min, a start slower than that (1,000 users at a load
            // of 60) passivated the first users, and each status poll started their trees again (a learner's reopen
            // reads the catalog of every attached file), so the start never finished.
            nixh.PassivationTimeout = TimeSpan.FromHours(2);
            // As the nixh executable does (docs/adr/0058): the stop leaves the stores' memory to the process's exit.
            nixh.Projections.ProcessExitsAfterStop = args.Contains("--process-exits");
        });
        if (args.Contains("--reopen-only"))
        {
            // A new process on the data directory a previous one stopped (no first host): reopen, count repairs, stop.
            var (reopenOnly, restopOnly, repairsOnly) = await ReopenAsync(dataDir, [.. Enumerable.Range(0, users).Select(u => $"cap-{u:D5}")], perUser, foldSeconds, args.Contains("--process-exits"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ResultPrefix}reopen={reopenOnly:F2} restop={restopOnly:F2} repairs={repairsOnly}"));
            return;
        }

        var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        // One user first: the read journal the projections share is created once (as EmbeddingLoadScenarios does).
        await client.RecordInteractionAsync(Interaction("warm", 0));
        await WaitProjectedAsync(client, ["warm"], 1);
        var before = Sample();
        Breakdown(0, before, before);
        Console.Error.WriteLine($"capacity {users}: host up, rss {before["rss"] / 1e6:F0} MB, fds {before["fds"]} (load {EmbeddingLoadScenarios.LoadAverage()})");

        var names = Enumerable.Range(0, users).Select(u => $"cap-{u:D5}").ToList();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(names.Select(async user =>
        {
            for (var i = 0; i < perUser; i++)
            {
                await client.RecordInteractionAsync(Interaction(user, i));
            }
        }));
        Console.Error.WriteLine($"capacity {users}: all acknowledged after {clock.Elapsed.TotalSeconds:F1} s");
        await WaitProjectedAsync(client, names, perUser);
        var startSeconds = clock.Elapsed.TotalSeconds;
        var directory = host.Services.GetRequiredService<Akka.Hosting.IRequiredActor<UserDirectory>>().ActorRef;
        var active = (await directory.Ask<ActiveUsers>(GetActiveUsers.Instance, TimeSpan.FromMinutes(5))).UserIds.Count;
        var after = Sample();
        Console.Error.WriteLine($"capacity {users}: {active} trees running, rss {after["rss"] / 1e6:F0} MB, fds {after["fds"]}, start {startSeconds:F1} s");
        Breakdown(users, before, after);
        if (args.Contains("--checkpoint-all"))
        {
            var folded = NixHumanity.Actors.Infrastructure.PerUserDuckDb.CheckpointAllAttached();
            var folded2 = Sample();
            Console.Error.WriteLine($"capacity {users}: experiment: {folded} files checkpointed, rss {folded2["rss"] / 1e6:F0} MB, fds {folded2["fds"]}");
            Breakdown(users, before, folded2);
        }


        // The projections checkpoint their stores after a quiet period (docs/adr/0039): sample again once it has passed.
        var quietFor = int.Parse(Arg(args, "--quiet-seconds", "45"), CultureInfo.InvariantCulture);
        await Task.Delay(TimeSpan.FromSeconds(quietFor));
        var quiet = Sample();
        Console.Error.WriteLine($"capacity {users}: {quietFor} s later, rss {quiet["rss"] / 1e6:F0} MB, fds {quiet["fds"]}");
        Breakdown(users, before, quiet);

        var stopSeconds = await StopTracedAsync(host, $"capacity {users}");
        host.Dispose();
        Console.Error.WriteLine($"capacity {users}: stopped in {stopSeconds:F1} s");
        // Whatever a store left open shows here: files still attached to a shared instance, open fds above the host's.
        var stopped = Sample();
        Console.Error.WriteLine($"capacity {users}: after the stop, fds {stopped["fds"]} (host up: {before["fds"]}), rss {stopped["rss"] / 1e6:F0} MB");
        foreach (var line in NixHumanity.Actors.Infrastructure.PerUserDuckDb.DescribeSharedInstances())
        {
            Console.Error.WriteLine($"capacity {users}: after the stop, duckdb {line}");
        }

        var (reopenSeconds, restopSeconds, repairs) = args.Contains("--no-reopen")
            ? (double.NaN, double.NaN, 0)
            : await ReopenAsync(dataDir, names, perUser, foldSeconds, args.Contains("--process-exits"));
        Console.Error.WriteLine($"capacity {users}: a new host reopened every user in {reopenSeconds:F1} s and stopped in {restopSeconds:F1} s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ResultPrefix}rss0={before["rss"]} managed0={before["managed"]} fds0={before["fds"]} rss={after["rss"]} managed={after["managed"]} fds={after["fds"]} threads={after["threads"]} rssq={quiet["rss"]} fdsq={quiet["fds"]} start={startSeconds:F2} stop={stopSeconds:F2} reopen={reopenSeconds:F2} restop={restopSeconds:F2} repairs={repairs} hwm={Status("VmHWM")} active={active}"));
    }

    /// <summary>
    /// A second host on the same data directory: how long until every user's memory and learner have opened their
    /// stores again (each answers its status), and how long that host then takes to stop.
    /// </summary>
    private static async Task<(double Reopen, double Stop, int Repairs)> ReopenAsync(string dataDir, IReadOnlyList<string> users, int events, int foldSeconds, bool processExits)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(nixh =>
        {
            nixh.DataDirectory = dataDir;
            nixh.AskTimeout = TimeSpan.FromSeconds(600);
            nixh.Embeddings = nixh.Embeddings with { Kind = EmbedderKind.NGram };
            nixh.FoldInterval = TimeSpan.FromSeconds(foldSeconds);
            nixh.PassivationTimeout = TimeSpan.FromHours(2);
            nixh.Projections.ProcessExitsAfterStop = processExits;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        var clock = Stopwatch.StartNew();
        await WaitProjectedAsync(client, users, events);
        var reopen = clock.Elapsed.TotalSeconds;
        // Nothing may have been found damaged or behind after the first host's stop: its stores were closed without a
        // checkpoint (their logs replayed here), and every user's status above equals the journal's events.
        var repairs = client.StoreRepairs();
        Console.Error.WriteLine($"reopen: {repairs.Count} store repairs{string.Concat(repairs.Take(5).Select(r => $"; {r}"))}");
        var stop = await StopTracedAsync(host, "reopen");
        return (reopen, stop, repairs.Count);
    }

    /// <summary>
    /// Stops the host and says where the time went (stderr): coordinated shutdown's phases up to the actor system's
    /// termination (timed by a task of its own in <c>before-actor-system-terminate</c>), the termination (the actors'
    /// stops, the stores' closes), and the closes themselves: how many, how many left their file to the instance's
    /// close, their time summed over the store threads, and the shared instances' closes.
    /// </summary>
    private static async Task<double> StopTracedAsync(IHost host, string label)
    {
        var system = host.Services.GetRequiredService<ActorSystem>();
        var clock = new Stopwatch();
        var terminating = TimeSpan.Zero;
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "capacity-timing", () =>
        {
            terminating = clock.Elapsed;
            return Task.FromResult(Akka.Done.Instance);
        });
        var closes = NixHumanity.Actors.Infrastructure.PerUserDuckDb.CloseStatistics();
        NixHumanity.Actors.Infrastructure.PerUserDuckDb.ResetCloseTimeline();
        long systemTerminated = 0;
        _ = system.WhenTerminated.ContinueWith(_ => systemTerminated = Stopwatch.GetTimestamp(), TaskScheduler.Default);
        var stopStarted = Stopwatch.GetTimestamp();
        clock.Start();
        await host.StopAsync();
        var stopped = clock.Elapsed;
        var timeline = NixHumanity.Actors.Infrastructure.PerUserDuckDb.CloseTimeline();
        string At(long ticks) => ticks == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(stopStarted, ticks).TotalSeconds:F2}");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: stop timeline (s after the stop began): phases before the termination done {terminating.TotalSeconds:F2}, first store close {At(timeline.FirstCloseStarted)}, last close ended {At(timeline.LastCloseEnded)}, actor system terminated {At(systemTerminated)}, StopAsync returned {stopped.TotalSeconds:F2}"));
        foreach (var instance in timeline.Instances)
        {
            var name = instance.Key.StartsWith("learners:", StringComparison.Ordinal) ? "learners" : instance.Key.Length == 0 ? "process learners" : "memories";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: stop timeline: {name} instance closed {At(instance.Started)}-{At(instance.Ended)} ({Stopwatch.GetElapsedTime(instance.Started, instance.Ended).TotalSeconds:F2} s, {instance.FilesLeftAttached} files left attached)"));
        }

        var terminated = system.WhenTerminated.IsCompleted ? "terminated" : "NOT terminated";
        var after = NixHumanity.Actors.Infrastructure.PerUserDuckDb.CloseStatistics();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: stop {stopped.TotalSeconds:F2} s (phases before the termination {terminating.TotalSeconds:F2} s, termination {(stopped - terminating).TotalSeconds:F2} s, actor system {terminated}); {after.Closes - closes.Closes} DuckDB connections closed, {after.LeftAttached - closes.LeftAttached} of them leaving their file to the instance's close, {(after.InClose - closes.InClose).TotalSeconds:F2} s in closes summed over threads, of it {(after.ClosingInstances - closes.ClosingInstances).TotalSeconds:F2} s closing shared instances"));
        return stopped.TotalSeconds;
    }

    private static RecordInteraction Interaction(string user, int i) => new(
        user, "capacity", $"install package number {i} please", $"nix-env -iA nixpkgs.pkg{i + 1}", "install_package", "install",
        i % 9 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success);

    /// <summary>
    /// Polls until every user's memory and learner have applied <paramref name="events"/> events (a benchmark: polling,
    /// not timing). Each user is polled on its own (memory and learner at once) until it is done, so a slow user does
    /// not hold the others' next poll; progress is printed every 10 s.
    /// </summary>
    private static async Task WaitProjectedAsync(NixHumanityClient client, IReadOnlyList<string> users, int events)
    {
        var done = 0;
        using var finished = new CancellationTokenSource();
        var progress = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            while (!finished.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), finished.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                Console.Error.WriteLine($"  {Volatile.Read(ref done)}/{users.Count} projected after {clock.Elapsed.TotalSeconds:F0} s (load {EmbeddingLoadScenarios.LoadAverage()})");
            }
        });
        await Task.WhenAll(users.Select(async user =>
        {
            while (!await ProjectedAsync(client, user, events))
            {
                await Task.Delay(1000);
            }

            Interlocked.Increment(ref done);
        }));
        await finished.CancelAsync();
        await progress;
    }

    private static async Task<bool> ProjectedAsync(NixHumanityClient client, string user, int events)
    {
        try
        {
            var memory = client.AskAsync<NixHumanity.Actors.Projections.ProjectionStatus>(new GetMemoryStatus(user));
            var learner = client.AskAsync<NixHumanity.Actors.Projections.ProjectionStatus>(new GetLearnerStatus(user));
            return (await memory).LastSequenceNr >= events && (await learner).LastSequenceNr >= events;
        }
        catch (NixHumanityTimeoutException)
        {
            // Thousands of first starts queue on the two store threads: a status not answered within the ask
            // timeout means "not yet", asked again.
            return false;
        }
        catch (ComponentUnavailableException ex)
        {
            // A component restarting answers "temporarily unavailable": not yet, asked again.
            Console.Error.WriteLine($"  {user}: {ex.Message}");
            return false;
        }
    }

    /// <summary>
    /// Where the per-user memory goes (stderr): the managed heap (live and committed, after a full collection), what
    /// DuckDB's buffer managers hold per shared instance, and the process's anonymous memory (/proc/self/smaps_rollup).
    /// </summary>
    private static void Breakdown(int users, Dictionary<string, double> before, Dictionary<string, double> after)
    {
        var gc = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"capacity {users}: managed live {after["managed"] / 1e6:F1} MB (+{(after["managed"] - before["managed"]) / Math.Max(users, 1) / 1e3:F1} KB per user), GC heap {gc.HeapSizeBytes / 1e6:F1} MB, committed {gc.TotalCommittedBytes / 1e6:F1} MB (+{(after["committed"] - before["committed"]) / Math.Max(users, 1) / 1e3:F1} KB per user), fragmented {gc.FragmentedBytes / 1e6:F1} MB"));
        foreach (var line in NixHumanity.Actors.Infrastructure.PerUserDuckDb.DescribeSharedInstances())
        {
            Console.Error.WriteLine($"capacity {users}: duckdb {line}");
        }

        var malloc = MallInfo2();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"capacity {users}: glibc malloc in use {(double)malloc.Uordblks / 1e6:F1} MB + mmapped {(double)malloc.Hblkhd / 1e6:F1} MB, free in arenas {(double)malloc.Fordblks / 1e6:F1} MB"));
        foreach (var line in File.ReadLines("/proc/self/smaps_rollup").Where(l => l.StartsWith("Rss", StringComparison.Ordinal) || l.StartsWith("Anonymous", StringComparison.Ordinal) || l.StartsWith("Private", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine($"capacity {users}: smaps {line}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo MallInfo2();

    /// <summary>glibc's <c>struct mallinfo2</c> (every field a size_t): the .NET runtime's and native libraries' malloc (not DuckDB's own jemalloc).</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private readonly record struct MallInfo(nuint Arena, nuint Ordblks, nuint Smblks, nuint Hblks, nuint Hblkhd, nuint Usmblks, nuint Fsmblks, nuint Uordblks, nuint Fordblks, nuint Keepcost);

    private static Dictionary<string, double> Sample()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return new Dictionary<string, double>
        {
            ["rss"] = Status("VmRSS"),
            ["managed"] = GC.GetTotalMemory(false),
            ["committed"] = GC.GetGCMemoryInfo().TotalCommittedBytes,
            ["fds"] = Directory.GetFileSystemEntries("/proc/self/fd").Length,
            ["threads"] = self.Threads.Count,
        };
    }

    /// <summary>A <c>kB</c> line of /proc/self/status, in bytes.</summary>
    private static double Status(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return double.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace NixHumanity.Benchmarks;

/// <summary>
/// Issue 16 point 7: the cluster of real <c>nixh serve --cluster</c> processes on 127.0.0.1, side by side in one run.
/// <list type="number">
/// <item>Throughput with 1, 2 and 3 nodes (<c>--nodes 1,2,3</c>): <c>--users</c> users record through every node
/// (<see cref="ClusterRecorder"/>, <c>--clients</c> requests in flight); after one warm-up interaction per user (its
/// shard and session start), <c>--per-user</c> interactions each are timed: acknowledged interactions per second, the
/// acknowledgement's latency at the client (p50, p99), the nodes' CPU per acknowledgement. Each size on a fresh
/// database and fresh nodes.</item>
/// <item>Recovery after a kill (<c>--kill-steps</c>, 0 to skip): three nodes under the same load; a third of the way
/// through, one node gets SIGKILL. For each user it hosted (read from the journal's writer of its rows), the time from
/// the kill until its first interaction acknowledged and written by another node; every acknowledgement checked
/// against the journal.</item>
/// <item>The hand-off by user size (<c>--handoff-events 100,1000,10000</c>, <c>none</c> to skip):
/// <see cref="ClusterHandOffScenarios"/>.</item>
/// </list>
/// Needs <c>--postgres "Host=…;Username=…;Password=…;Database=postgres"</c> (or <c>NIXH_TEST_POSTGRES</c>): a
/// database is created for each part and dropped after it. The nodes are <c>dotnet nixh.dll</c> built beside this
/// program (<c>--nixh PATH</c> to use another build), n-gram embedder. On a 2-core machine every node, PostgreSQL and
/// this client share the same cores: more nodes add work (forwarding between nodes) without adding CPU.
/// </summary>
internal static class ClusterThroughputScenarios
{
    /// <summary>How long the nodes' idle CPU is sampled before the timed load.</summary>
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(string workDir, string[] args, BenchmarkReport report)
    {
        var admin = Arg(args, "--postgres") ?? Environment.GetEnvironmentVariable("NIXH_TEST_POSTGRES")
                    ?? throw new InvalidOperationException("--postgres CONNECTION_STRING (or NIXH_TEST_POSTGRES) is required for --only cluster");
        var nixh = Arg(args, "--nixh") ?? Path.Combine(AppContext.BaseDirectory, "nixh.dll");
        if (!File.Exists(nixh))
        {
            throw new InvalidOperationException($"nixh: no nixh.dll at {nixh} (build the solution, or pass --nixh PATH)");
        }

        var nodeCounts = Ints(Arg(args, "--nodes") ?? "1,2,3");
        var users = Int(args, "--users", 30);
        var perUser = Int(args, "--per-user", 20);
        var clients = Int(args, "--clients", 8);
        var killSteps = Int(args, "--kill-steps", 30);
        var retryAfter = TimeSpan.FromSeconds(Int(args, "--retry-after", 20));
        var handoff = Arg(args, "--handoff-events") ?? "100,1000,10000";
        var settings = new LoadSettings(nixh, users, clients, retryAfter, Arg(args, "--node-logs"));

        Console.Error.WriteLine($"cluster: {users} users, {clients} requests in flight, nodes {string.Join(',', nodeCounts)} (load {EmbeddingLoadScenarios.LoadAverage()})");
        var throughput = new Dictionary<int, ThroughputResult>();
        foreach (var n in nodeCounts)
        {
            throughput[n] = await WithDatabaseAsync(admin, journal => ThroughputAsync(Path.Combine(workDir, $"tp{n}"), journal, n, perUser, settings));
        }

        var baseline = throughput.GetValueOrDefault(1);
        foreach (var (n, r) in throughput)
        {
            var label = $"[{n} node{(n == 1 ? "" : "s")}]";
            report.Add($"{label} acknowledged interactions/s ({r.Acks} acks, {users} users × {perUser})", r.PerSecond, "/s", "—", null);
            report.Add($"{label} ack latency p50", r.P50, "ms", "—", null);
            report.Add($"{label} ack latency p99", r.P99, "ms", "—", null);
            report.Add($"{label} ack latency max", r.Max, "ms", "—", null);
            report.Add($"{label} nodes' CPU during the timed load / acks (whatever they did meanwhile, projections included)", r.CpuMsPerAck, "ms", "—", null);
            report.Add($"{label} nodes' CPU with no user, just formed (all nodes, {IdleWindow.TotalSeconds:0} s)", r.IdleCpuMsPerSecond, "ms/s", "—", null);
            report.Add($"{label} a user's first interaction (fresh cluster; retries included), p50 / max", r.First.P50, $"ms / {r.First.Max:0} ms", "—", null);
            report.Add($"{label} retries / acks lost or never given", r.Retries, $"/ {r.Lost}", "0 lost", r.Lost == 0);
            report.Add($"{label} load average before / after", 0, $"({r.LoadBefore}) / ({r.LoadAfter})", "—", null);
            if (baseline is not null && n != 1)
            {
                report.Add($"{label} / [1 node]: throughput", r.PerSecond / baseline.PerSecond, "×", "—", null);
                report.Add($"{label} / [1 node]: p50, p99", r.P50 / baseline.P50, $"×, {r.P99 / baseline.P99:0.##}×", "—", null);
            }
        }

        if (killSteps > 0)
        {
            var kill = await WithDatabaseAsync(admin, journal => KillAsync(Path.Combine(workDir, "kill"), journal, killSteps, settings));
            kill.Report(report);
        }

        if (handoff != "none")
        {
            await ClusterHandOffScenarios.RunAsync(workDir, ["--postgres", admin, "--events", handoff, .. ArgPair(args, "--behind")], report);
        }
    }

    private static async Task<ThroughputResult> ThroughputAsync(string workDir, string journal, int n, int perUser, LoadSettings settings)
    {
        var loadBefore = EmbeddingLoadScenarios.LoadAverage();
        var clock = Stopwatch.StartNew();
        var nodes = await StartNodesAsync(settings.Nixh, workDir, journal, n);
        try
        {
            Console.Error.WriteLine($"[{n} nodes] up after {clock.Elapsed.TotalSeconds:F0} s");
            var users = ClusterRecorder.Users(settings.Users);
            var recorder = new ClusterRecorder(nodes, settings.Clients, settings.RetryAfter, clock);
            // What the nodes spend with no user at all (heartbeats, gossip, sharding's state): a window before the first
            // request. (After the warm-up the nodes are not idle: the users' projections open and catch up behind the acks.)
            var idleStart = (Cpu: TotalCpu(nodes), At: clock.Elapsed);
            await Task.Delay(IdleWindow);
            var idleCpuPerSecond = (TotalCpu(nodes) - idleStart.Cpu).TotalMilliseconds / (clock.Elapsed - idleStart.At).TotalSeconds;

            await recorder.RecordAsync(users, 0, 1);
            var warmAcks = recorder.Acks.Count;
            var first = FirstInteractions(recorder);
            var cpuBefore = TotalCpu(nodes);
            var start = clock.Elapsed;
            await recorder.RecordAsync(users, 1, 1 + perUser);
            var elapsed = clock.Elapsed - start;
            var cpu = TotalCpu(nodes) - cpuBefore;
            var timed = recorder.Acks.Where(a => a.Step >= 1).Select(a => a.AttemptMs).Order().ToList();
            var verdict = ClusterJournalCheck.Check(await ClusterJournalCheck.ReadAsync(journal), recorder.Acks);
            LogFailures($"[{n} nodes]", recorder, verdict);
            var result = new ThroughputResult(
                timed.Count, timed.Count / elapsed.TotalSeconds,
                BenchmarkReport.Percentile(timed, 0.5), BenchmarkReport.Percentile(timed, 0.99), timed[^1],
                cpu.TotalMilliseconds / timed.Count, idleCpuPerSecond,
                first, recorder.Retries, verdict.Lost.Count + recorder.NeverAcknowledged.Count,
                loadBefore, EmbeddingLoadScenarios.LoadAverage());
            Console.Error.WriteLine($"[{n} nodes] {warmAcks} warm-up acks, then {result.Acks} in {elapsed.TotalSeconds:F1} s: {result.PerSecond:F1}/s, p50 {result.P50:F0} ms, p99 {result.P99:F0} ms");
            return result;
        }
        finally
        {
            await CloseAsync(nodes, settings, $"tp{n}");
        }
    }

    private static async Task<KillResult> KillAsync(string workDir, string journal, int steps, LoadSettings settings)
    {
        var loadBefore = EmbeddingLoadScenarios.LoadAverage();
        var clock = Stopwatch.StartNew();
        var nodes = await StartNodesAsync(settings.Nixh, workDir, journal, 3);
        try
        {
            var users = ClusterRecorder.Users(settings.Users);
            var recorder = new ClusterRecorder(nodes, settings.Clients, settings.RetryAfter, clock);
            // Two warm-up interactions per user: every user has a session on its node before the kill.
            await recorder.RecordAsync(users, 0, 2);
            var first = FirstInteractions(recorder);
            var killAt = recorder.Acks.Count + (users.Count * steps / 3);
            var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            recorder.AcknowledgedOne += count =>
            {
                if (count >= killAt)
                {
                    third.TrySetResult();
                }
            };
            var loadStart = clock.Elapsed;
            var underLoad = recorder.RecordAsync(users, 2, 2 + steps);
            await Task.WhenAny(third.Task, underLoad);
            var victim = nodes[2];
            await victim.KillAsync();
            var killedAt = clock.Elapsed.TotalSeconds;
            var killOrdering = await ClusterJournalCheck.LastOrderingAsync(journal);
            Console.Error.WriteLine($"[kill] {victim.Name} killed at {killedAt:F1} s after {recorder.Acks.Count} acks");
            await underLoad;
            var loadTime = clock.Elapsed - loadStart;
            Console.Error.WriteLine($"[kill] load done at {clock.Elapsed.TotalSeconds:F1} s");

            var rows = await ClusterJournalCheck.ReadAsync(journal);
            var verdict = ClusterJournalCheck.Check(rows, recorder.Acks);
            LogFailures("[kill]", recorder, verdict);
            // The killed node's journal writer: the one that wrote before the kill and never after.
            var writersBefore = rows.Where(r => r.Ordering <= killOrdering).Select(r => r.Writer).ToHashSet();
            var writersAfter = rows.Where(r => r.Ordering > killOrdering).Select(r => r.Writer).ToHashSet();
            var victimWriters = writersBefore.Except(writersAfter).ToList();
            if (victimWriters.Count != 1)
            {
                throw new InvalidOperationException($"expected one writer to stop at the kill, found {victimWriters.Count} ({writersBefore.Count} before, {writersAfter.Count} after)");
            }

            var victimWriter = victimWriters[0];
            var writerOfId = rows.Where(r => r.Manifest == "InteractionRecorded")
                .SelectMany(r => r.Payload.Split('"').Where(t => t.Length >= 32 && Guid.TryParse(t, out _)).Select(id => (id, r.Writer)))
                .GroupBy(p => p.id).ToDictionary(g => g.Key, g => g.First().Writer, StringComparer.Ordinal);
            var hostedByVictim = users
                .Where(u => rows.LastOrDefault(r => r.UserId == u && r.Ordering <= killOrdering)?.Writer == victimWriter)
                .ToList();
            double? BackAfter(string user) => recorder.Acks
                .Where(a => a.UserId == user && a.AckAt > killedAt && writerOfId.GetValueOrDefault(a.Id) is { } w && w != victimWriter)
                .Select(a => (double?)(a.AckAt - killedAt)).Min();
            var victimBack = hostedByVictim.Select(BackAfter).ToList();
            var othersBack = users.Except(hostedByVictim).Select(BackAfter).ToList();
            return new KillResult(
                users.Count, hostedByVictim.Count, victimBack.Count(b => b is null),
                [.. victimBack.OfType<double>().Order()], [.. othersBack.OfType<double>().Order()],
                recorder.Acks.Count, recorder.Acks.Count(a => a.Step >= 2) / loadTime.TotalSeconds,
                verdict.Lost.Count, recorder.NeverAcknowledged.Count, verdict.Gaps.Count, verdict.JournaledNotAcknowledged,
                recorder.Retries, recorder.Unanswered, first, loadBefore, EmbeddingLoadScenarios.LoadAverage());
        }
        finally
        {
            await CloseAsync(nodes, settings, "kill");
        }
    }

    private static async Task CloseAsync(List<ServeNode> nodes, LoadSettings settings, string part)
    {
        await Task.WhenAll(nodes.Select(node => node.DisposeAsync().AsTask()));
        if (settings.NodeLogs is { } folder)
        {
            Directory.CreateDirectory(folder);
            foreach (var node in nodes)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"{part}-{node.Name}.log"), node.StdErrTail);
            }
        }
    }

    private static TimeSpan TotalCpu(IEnumerable<ServeNode> nodes) => nodes.Aggregate(TimeSpan.Zero, (sum, node) => sum + node.CpuTime);

    /// <summary>Each user's first interaction, from first sent to acknowledged (retries included): its shard's
    /// allocation and its session's start on a cluster that has just formed.</summary>
    private static Spread FirstInteractions(ClusterRecorder recorder)
    {
        var first = recorder.Acks.Where(a => a.Step == 0).Select(a => (a.AckAt - a.FirstSentAt) * 1000).Order().ToList();
        return new Spread(BenchmarkReport.Percentile(first, 0.5), first[^1]);
    }

    private static void LogFailures(string label, ClusterRecorder recorder, JournalVerdict verdict)
    {
        foreach (var line in recorder.Errors.Take(10))
        {
            Console.Error.WriteLine($"{label} error answer: {line}");
        }

        foreach (var line in verdict.Lost.Take(10).Concat(recorder.NeverAcknowledged.Take(10)).Concat(verdict.Gaps.Take(10).Select(g => $"gap in {g}")))
        {
            Console.Error.WriteLine($"{label} FAULT: {line}");
            Environment.ExitCode = 1;
        }
    }

    /// <summary>n nodes, the first its own seed and started first (it creates the journal's identity, ADR 0018).</summary>
    private static async Task<List<ServeNode>> StartNodesAsync(string nixh, string workDir, string journal, int n)
    {
        var ports = FreePorts(n);
        var seed = ServeNode.Address(ports[0]);
        var nodes = new List<ServeNode> { await ServeNode.StartAsync(nixh, "node0", Path.Combine(workDir, "node0"), journal, ports[0], seed) };
        nodes.AddRange(await Task.WhenAll(ports[1..].Select((port, i) =>
            ServeNode.StartAsync(nixh, $"node{i + 1}", Path.Combine(workDir, $"node{i + 1}"), journal, port, seed))));
        return nodes;
    }

    private static async Task<T> WithDatabaseAsync<T>(string admin, Func<string, Task<T>> run)
    {
        var database = $"nixh_bench_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE {database}");
        try
        {
            return await run(new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private static string? Arg(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    private static string[] ArgPair(string[] args, string name) => Arg(args, name) is { } value ? [name, value] : [];

    private static int Int(string[] args, string name, int fallback) =>
        Arg(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static int[] Ints(string value) => [.. value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

    private sealed record Spread(double P50, double Max);

    /// <param name="NodeLogs">A folder to keep what each node wrote on stderr, per part of the run (<c>--node-logs</c>).</param>
    private sealed record LoadSettings(string Nixh, int Users, int Clients, TimeSpan RetryAfter, string? NodeLogs);

    private sealed record ThroughputResult(
        int Acks, double PerSecond, double P50, double P99, double Max, double CpuMsPerAck, double IdleCpuMsPerSecond,
        Spread First, int Retries, int Lost, string LoadBefore, string LoadAfter);

    private sealed record KillResult(
        int Users, int VictimUsers, int VictimNeverBack, IReadOnlyList<double> VictimBack, IReadOnlyList<double> OthersBack,
        int Acks, double PerSecond, int Lost, int NeverAcknowledged, int Gaps, int JournaledNotAcknowledged, int Retries, int Unanswered,
        Spread First, string LoadBefore, string LoadAfter)
    {
        public void Report(BenchmarkReport report)
        {
            const string Label = "[kill -9 of 1 of 3 nodes]";
            report.Add($"{Label} a user's first interaction (fresh cluster; retries included), p50 / max", First.P50, $"ms / {First.Max:0} ms", "—", null);
            report.Add($"{Label} users it hosted (of {Users})", VictimUsers, "", "—", null);
            report.Add($"{Label} of those, never acknowledged again on another node", VictimNeverBack, "", "0", VictimNeverBack == 0);
            if (VictimBack.Count > 0)
            {
                report.Add($"{Label} its users: kill → first ack written by another node, p50", BenchmarkReport.Percentile(VictimBack, 0.5), "s", "—", null);
                report.Add($"{Label} its users: kill → first ack written by another node, min / max", VictimBack[0], $"s / {VictimBack[^1]:0.#} s", "—", null);
            }

            if (OthersBack.Count > 0)
            {
                report.Add($"{Label} other users: kill → next ack, p50 / max", BenchmarkReport.Percentile(OthersBack, 0.5), $"s / {OthersBack[^1]:0.#} s", "—", null);
            }

            report.Add($"{Label} acknowledged interactions (all, checked against the journal)", Acks, "", "—", null);
            report.Add($"{Label} acknowledged but lost (not in the journal once, at its sequence number)", Lost, "", "0", Lost == 0);
            report.Add($"{Label} interactions never acknowledged (given up after 5 min)", NeverAcknowledged, "", "0", NeverAcknowledged == 0);
            report.Add($"{Label} users with a gap in their sequence numbers", Gaps, "", "0", Gaps == 0);
            report.Add($"{Label} journaled but not acknowledged (requests given up, then sent again: at-least-once)", JournaledNotAcknowledged, "", "—", null);
            report.Add($"{Label} retries / requests unanswered within the client's limit", Retries, $"/ {Unanswered}", "—", null);
            report.Add($"{Label} throughput over the whole load, kill included", PerSecond, "/s", "—", null);
            report.Add($"{Label} load average before / after", 0, $"({LoadBefore}) / ({LoadAfter})", "—", null);
        }
    }
}

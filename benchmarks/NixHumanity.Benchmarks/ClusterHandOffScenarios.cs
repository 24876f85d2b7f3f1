using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using Npgsql;
using AkkaCluster = Akka.Cluster.Cluster;

namespace NixHumanity.Benchmarks;

/// <summary>
/// Cluster hand-off (issue 16, docs/adr/0023): what moving a user with many events to another node costs, measured as
/// the time from the moment the old node has left until the first search answers on the new one. Two cases side by
/// side in one run, on one PostgreSQL journal: the new node has no copy of the user (its memory is built from the
/// whole journal), and the new node holds an old copy a few events behind (caught up from its checkpoint). Each user
/// size of <c>--events 100,1000,10000</c> is its own user on its own nodes, one size after the other in the same run.
/// </summary>
/// <remarks>
/// Nodes are generic hosts with <c>AddNixHumanity</c> in cluster mode in this process on loopback (as the cluster
/// specs run them), the n-gram embedder. Needs <c>--postgres "Host=…;Username=…;Password=…;Database=postgres"</c> (or
/// <c>NIXH_TEST_POSTGRES</c>): a database is created for the run and dropped after it.
/// </remarks>
internal static class ClusterHandOffScenarios
{
    private const string SystemName = "nixh-handoff-bench";
    /// <summary>Interactions sent to the one user at once while it is filled (its session persists them one by one;
    /// a few in flight keep it busy instead of waiting for each round trip).</summary>
    private const int InFlight = 8;

    public static async Task RunAsync(string workDir, string[] args, BenchmarkReport report)
    {
        var admin = Arg(args, "--postgres") ?? Environment.GetEnvironmentVariable("NIXH_TEST_POSTGRES")
                    ?? throw new InvalidOperationException("--postgres CONNECTION_STRING (or NIXH_TEST_POSTGRES) is required for --only handoff");
        var sizes = (Arg(args, "--events") ?? "10000").Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var behind = int.Parse(Arg(args, "--behind") ?? "100", System.Globalization.CultureInfo.InvariantCulture);
        var database = $"nixh_bench_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE {database}");
        var connection = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        try
        {
            foreach (var events in sizes)
            {
                await MeasureAsync(Path.Combine(workDir, $"handoff-{events}"), connection, events, behind, report);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static async Task MeasureAsync(string workDir, string connection, int events, int behind, BenchmarkReport report)
    {
        var user = $"big{events}";
        var ports = FreePorts(3);
        var dataA = Path.Combine(workDir, "node-a");
        Console.Error.WriteLine($"cluster hand-off: one user with {events} events; node A records them");
        var a = await NodeAsync(connection, dataA, ports[0], ports[0]);
        var recording = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, events), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, _) =>
            await Client(a).RecordInteractionAsync(new RecordInteraction(user, $"s{i / 50}", $"install package{i % 700} for task {i}", $"nix-env -iA nixpkgs.package{i % 700}")));

        var recordTime = recording.Elapsed;
        Console.Error.WriteLine($"  recorded {events} in {recordTime.TotalSeconds:F0} s");
        (await Client(a).GetMemoryStatusAsync(user)).LastSequenceNr.MustBe(events);
        var warm = Stopwatch.StartNew();
        await Client(a).SearchAsync(new SearchMemory(user, "install package42", 5));
        var warmSearch = warm.Elapsed;

        // Case 1: A leaves; the user moves to B, which has never held it.
        var b = await NodeAsync(connection, Path.Combine(workDir, "node-b"), ports[1], ports[0]);
        var leaving = Stopwatch.StartNew();
        await a.StopAsync();
        a.Dispose();
        var leaveA = leaving.Elapsed;
        // What the old node's copy will replay when it opens again: a stopping node's stores close without a checkpoint
        // (ADR 0033), except what the hand-off of a leave checkpoints within its budget (ADR 0039).
        var walLeft = WriteAheadLogBytes(dataA);
        var noCopy = Stopwatch.StartNew();
        var hits = await Client(b).SearchAsync(new SearchMemory(user, "install package42", 5));
        var firstSearchNoCopy = noCopy.Elapsed;
        Console.Error.WriteLine($"  no copy: A left in {leaveA.TotalSeconds:F1} s, first search on B after {firstSearchNoCopy.TotalSeconds:F1} s ({hits.Results.Count} hits)");
        (await Client(b).GetMemoryStatusAsync(user)).LastSequenceNr.MustBe(events);

        // Case 2: more events on B; A comes back on its data directory (its copy is `behind` events old); B leaves.
        for (var i = 0; i < behind; i++)
        {
            await Client(b).RecordInteractionAsync(new RecordInteraction(user, "later", $"install later{i}", $"nix-env -iA nixpkgs.later{i}"));
        }

        var a2 = await NodeAsync(connection, dataA, ports[2], ports[1]);
        leaving.Restart();
        await b.StopAsync();
        b.Dispose();
        var leaveB = leaving.Elapsed;
        var withCopy = Stopwatch.StartNew();
        hits = await Client(a2).SearchAsync(new SearchMemory(user, "install package42", 5));
        var firstSearchWithCopy = withCopy.Elapsed;
        var status = await Client(a2).GetMemoryStatusAsync(user);
        status.LastSequenceNr.MustBe(events + behind);
        Console.Error.WriteLine($"  old copy {behind} behind: B left in {leaveB.TotalSeconds:F1} s, first search on A2 after {firstSearchWithCopy.TotalSeconds:F1} s ({status.EventsApplied} events applied)");
        await a2.StopAsync();
        a2.Dispose();

        report.Add($"hand-off, {events} events: old node leaves (no copy case)", leaveA.TotalMilliseconds, "ms", "—", null);
        report.Add($"hand-off, {events} events: first search on the new node, no copy there", firstSearchNoCopy.TotalMilliseconds, "ms", "—", null);
        report.Add($"hand-off, {events} events: old node leaves (copy case)", leaveB.TotalMilliseconds, "ms", "—", null);
        report.Add($"hand-off, {events}+{behind} events: first search on the new node, copy {behind} behind", firstSearchWithCopy.TotalMilliseconds, "ms", "—", null);
        report.Add($"hand-off, {events} events: first search, no copy / copy behind", firstSearchNoCopy / firstSearchWithCopy, "×", "—", null);
        report.Add($"hand-off, {events} events: recording them (one user, {InFlight} in flight), for scale", events / recordTime.TotalSeconds, "/s", "—", null);
        report.Add($"hand-off, {events} events: DuckDB write-ahead logs left in the old node's copy (replayed when it opens)", walLeft / 1e6, "MB", "—", null);
        report.Add($"warm search on the hosting node ({events} events), for scale", warmSearch.TotalMilliseconds, "ms", "—", null);
    }

    private static long WriteAheadLogBytes(string dataDirectory) =>
        Directory.EnumerateFiles(dataDirectory, "*.wal", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static void MustBe(this long actual, long expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"The memory applied up to #{actual}, expected #{expected}: the measurement would not be of a caught-up store.");
        }
    }

    private static NixHumanityClient Client(IHost node) => node.Services.GetRequiredService<NixHumanityClient>();

    private static async Task<IHost> NodeAsync(string connection, string dataDirectory, int port, int seedPort)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(options =>
        {
            options.ActorSystemName = SystemName;
            options.DataDirectory = dataDirectory;
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };
            options.JournalProvider = JournalProvider.Postgres;
            options.ConnectionString = connection;
            // The first request after a node left waits for the shard coordinator to move: seconds on a loaded machine.
            options.AskTimeout = TimeSpan.FromSeconds(120);
            options.Cluster = new ClusterModeOptions
            {
                Enabled = true,
                Hostname = "127.0.0.1",
                Port = port,
                SeedNodes = [$"akka.tcp://{SystemName}@127.0.0.1:{seedPort}"],
            };
        });
        var host = builder.Build();
        await host.StartAsync();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AkkaCluster.Get(host.Services.GetRequiredService<ActorSystem>()).RegisterOnMemberUp(up.SetResult);
        await up.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return host;
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string? Arg(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}

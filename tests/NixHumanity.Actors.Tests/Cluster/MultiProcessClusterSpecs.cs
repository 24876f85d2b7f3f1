using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NixHumanity.Actors.Tests.Postgres;
using Xunit.Abstractions;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// Cluster mode across operating-system processes (issue 16 points 3 and 4, docs/adr/0024): three real
/// <c>nixh serve --cluster</c> processes on 127.0.0.1 with free ports and the real PostgreSQL server of
/// <see cref="PostgresFactAttribute"/>, users recording through every node's socket. Every wait is on an answer, an
/// acknowledgement, a process exit or a bounded poll; the limits are bounds on failure, generous for a busy machine.
/// </summary>
public sealed class MultiProcessClusterSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>What a verb says when its ask timed out (docs/cluster.md: a request sent to a lost node must not end so).</summary>
    private const string NoAnswerInTime = "no answer in time";

    /// <summary>How long the answers of a user may take to agree (projections catch up asynchronously).</summary>
    private static readonly TimeSpan AgreementLimit = TimeSpan.FromMinutes(4);

    private readonly List<NodeProcess> _nodes = [];
    private PostgresDatabase? _database;

    private string Journal => _database!.ConnectionString;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Three nodes, the first its own seed and started first (it creates the journal's identity, ADR 0018).</summary>
    private async Task<NodeProcess[]> StartThreeNodesAsync()
    {
        var ports = ClusterNode.FreePorts(3);
        var seed = NodeProcess.Address(ports[0]);
        _nodes.Add(await NodeProcess.StartAsync("node0", Journal, NodeProcess.ClusterArgs(ports[0], seed)));
        var joining = await Task.WhenAll(ports[1..].Select((port, i) => NodeProcess.StartAsync($"node{i + 1}", Journal, NodeProcess.ClusterArgs(port, seed))));
        _nodes.AddRange(joining);
        return [.. _nodes];
    }

    [PostgresFact]
    public async Task A_node_killed_under_load_loses_no_acknowledged_interaction_and_the_cluster_answers_like_a_single_node_replay()
    {
        var clock = Stopwatch.StartNew();
        var nodes = await StartThreeNodesAsync();
        output.WriteLine($"three nodes up after {clock.Elapsed}");
        var users = ClusterLoad.Users(100);
        var load = new ClusterLoad(nodes);
        await load.RecordAsync(users, [0]);

        // Mid-load: once half of the next 200 interactions are acknowledged, node2 is killed with SIGKILL while the
        // rest are in flight (some through it, some for users it hosts).
        var victim = nodes[2];
        var killAt = load.Count + users.Count;
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        load.AcknowledgedOne += count =>
        {
            if (count >= killAt)
            {
                halfway.TrySetResult();
            }
        };
        var underLoad = load.RecordAsync(users, [1, 2]);
        await Task.WhenAny(halfway.Task, underLoad);
        halfway.Task.IsCompleted.Should().BeTrue();
        await victim.KillAsync();
        var killedAt = load.Count;
        var atKill = await JournalAudit.ReadAsync(Journal);
        var killOrdering = atKill.Max(r => r.Ordering);
        output.WriteLine($"node2 killed after {killedAt} acknowledgements ({clock.Elapsed})");
        await underLoad;
        output.WriteLine($"load finished after {clock.Elapsed}; {Attempts(load)}");
        killedAt.Should().BeLessThan(3 * users.Count, "node2 died while interactions were still being recorded");
        load.Failures.Should().NotContain(f => f.Contains(NoAnswerInTime, StringComparison.Ordinal),
            "a request on its way to the killed node is answered once the cluster downs it, not left to its ask timeout");

        // Who lived where is read from the journal: each node writes through its own writer (writer_uuid), and a
        // user's rows carry the writer of the node hosting it when they were written.
        var victimWriter = JournalAudit.WriterOfMost(atKill, victim.UsersWithProjections);
        var victimUsers = users.Where(u => JournalAudit.LastWriter(atKill, u) == victimWriter).ToList();
        var afterKill = (await JournalAudit.ReadAsync(Journal)).Where(r => r.Ordering > killOrdering).ToList();
        afterKill.Should().NotContain(r => r.Writer == victimWriter, "a killed node writes nothing");
        afterKill.Select(r => r.UserId).Intersect(victimUsers).Should().NotBeEmpty(
            "node2's users recorded again after it was killed: they moved to the others");

        // A graceful leave: SIGTERM, shards handed off, the member leaves, the process exits 0.
        var leaving = nodes[1];
        (await leaving.StopAsync()).Should().Be(0, leaving.StdErr);
        var leaveOrdering = await JournalAudit.LastOrderingAsync(Journal);
        output.WriteLine($"node1 left after {clock.Elapsed}");
        await load.RecordAsync(users, [3]);
        var afterLeave = (await JournalAudit.ReadAsync(Journal)).Where(r => r.Ordering > leaveOrdering).ToList();
        afterLeave.Select(r => r.UserId).Distinct().Should().BeEquivalentTo(users);
        afterLeave.Select(r => r.Writer).Distinct().Should().ContainSingle("every user now lives on the one node left, which wrote all of them");

        var rows = await JournalAudit.ReadAsync(Journal);
        JournalAudit.ShouldHoldEveryAcknowledgement(rows, load.Acknowledged);
        load.Acknowledged.Should().HaveCount(4 * users.Count);
        foreach (var user in load.Acknowledged.GroupBy(a => a.UserId))
        {
            var sequence = user.OrderBy(a => a.Step).Select(a => a.SequenceNr).ToList();
            sequence.Should().BeInAscendingOrder($"{user.Key}'s interactions were acknowledged in the order recorded, wherever the user lived")
                .And.OnlyHaveUniqueItems();
        }

        // The same journal replayed by one fresh single-process node (no cluster, its own empty data directory).
        var replay = await NodeProcess.StartAsync("replay", Journal);
        _nodes.Add(replay);
        var interactions = rows.Where(r => r.Manifest == "InteractionRecorded").GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Count());
        var rounds = new int[users.Count];
        await Parallel.ForEachAsync(users.Select((user, i) => (user, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (u, _) =>
            rounds[u.i] = await ShouldAnswerAlikeAsync(nodes[0], replay, u.user, interactions[u.user]));
        output.WriteLine($"answers compared after {clock.Elapsed}; users answered alike at the first comparison: " +
                         $"{rounds.Count(r => r == 1)}, after more: {rounds.Count(r => r > 1)} (at most {rounds.Max()} comparisons)");
    }

    /// <summary>
    /// Polls both nodes' answers for <paramref name="user"/> (status, search, the three queries) until they are equal
    /// and the status counts every journaled interaction; fails with the difference after <see cref="AgreementLimit"/>.
    /// </summary>
    /// <returns>How many comparisons it took.</returns>
    private static async Task<int> ShouldAnswerAlikeAsync(NodeProcess cluster, NodeProcess replay, string user, int interactions)
    {
        var clock = Stopwatch.StartNew();
        for (var round = 1; ; round++)
        {
            var fromCluster = await AnswersAsync(cluster, user);
            var fromReplay = await AnswersAsync(replay, user);
            var counted = JsonNode.Parse(fromCluster[0])!["interactions"]!.GetValue<int>();
            if ((fromCluster.SequenceEqual(fromReplay) && counted == interactions) || clock.Elapsed > AgreementLimit)
            {
                counted.Should().Be(interactions, $"{user}'s status counts every interaction of the journal");
                fromCluster.Should().Equal(fromReplay, $"{user} is answered alike by the cluster and by a single-node replay");
                return round;
            }

            // A projection still catching up: ask again (a polling interval, not a wait for the answer).
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>A user's answers as compared: status, search, and the flow, interruptions and learning queries.</summary>
    private static async Task<string[]> AnswersAsync(NodeProcess node, string user) =>
    [
        await node.RunAsync("status", "--user", user),
        SearchHits(await node.RunAsync("search", "--user", user, "--limit", "20", "install firefox")),
        await node.RunAsync("query", "flow", "--user", user),
        await node.RunAsync("query", "interruptions", "--user", user),
        await node.RunAsync("query", "learning", "--user", user),
    ];

    /// <summary>
    /// A search's hits by id, with their command, text and similarity. Left out: the order and score, which blend in
    /// the learner's preferences as they were when the memory last received them, and the table's version, which counts
    /// batches (both differ between a long-lived node and a fresh catch-up with the same rows; see ServedOutputSpecs).
    /// </summary>
    private static string SearchHits(string json) => string.Join('\n', JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray()
        .Select(hit => $"{hit.GetProperty("id")} {hit.GetProperty("command")} {hit.GetProperty("text")} {hit.GetProperty("similarity")}")
        .Order(StringComparer.Ordinal));

    [PostgresFact]
    public async Task A_paused_node_is_downed_its_users_move_and_after_it_resumes_it_writes_nothing_for_them()
    {
        var clock = Stopwatch.StartNew();
        var nodes = await StartThreeNodesAsync();
        var users = ClusterLoad.Users(30);
        var load = new ClusterLoad(nodes);
        await load.RecordAsync(users, [0, 1]);

        var paused = nodes[2];
        paused.UsersWithProjections.Should().NotBeEmpty("node2 hosts users");
        var before = await JournalAudit.ReadAsync(Journal);
        // A node writes through one journal writer, which the journal names (writer_uuid); node2's users are those
        // whose last interaction it wrote (a folder is not enough: stores open lazily, after the acknowledgement).
        var pausedWriter = JournalAudit.WriterOfMost(before, paused.UsersWithProjections);
        var pausedUsers = users.Where(u => JournalAudit.LastWriter(before, u) == pausedWriter).ToList();
        var pausedAt = await JournalAudit.LastOrderingAsync(Journal);

        // The partition: node2 is frozen (SIGSTOP). It sends no heartbeat and serves no request; the two others see it
        // unreachable, the split-brain resolver (keep-majority) downs it, and its shards are placed on them.
        await paused.PauseAsync();
        output.WriteLine($"node2 paused after {clock.Elapsed}; it hosted {pausedUsers.Count} users");

        // Requests for node2's users sent to node2 itself while it is frozen: the kernel queues them on its socket and
        // node2 reads them when it resumes, with the user's old session still in its memory.
        using var staleLimit = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var stale = pausedUsers.ToDictionary(
            u => u,
            u => paused.TryRunAsync(ClusterLoad.RecordArgs(u, 90, StaleText(u)), staleLimit.Token));

        // Meanwhile node2's users record through the majority: they are acknowledged once their shards moved there.
        var survivors = new ClusterLoad([nodes[0], nodes[1]]);
        await survivors.RecordAsync(pausedUsers, [2]);
        output.WriteLine($"node2's users recorded on the majority after {clock.Elapsed}; {Attempts(survivors)}");
        survivors.Failures.Should().NotContain(f => f.Contains(NoAnswerInTime, StringComparison.Ordinal),
            "a request the majority sent to the frozen node is answered once the cluster downs it, not left to its ask timeout");
        var moved = (await JournalAudit.ReadAsync(Journal)).Where(r => r.Ordering > pausedAt).ToList();
        moved.Select(r => r.UserId).Distinct().Should().BeEquivalentTo(pausedUsers);
        moved.Should().NotContain(r => r.Writer == pausedWriter, "node2's users moved: the majority wrote their interactions");

        await paused.ResumeAsync();
        var results = await Task.WhenAll(stale.Values);
        var exitCode = await paused.WaitForExitAsync(TimeSpan.FromMinutes(4));
        output.WriteLine($"node2 resumed and exited {exitCode} after {clock.Elapsed}; its queued requests answered: " +
                         string.Join(", ", results.Select(r => r is null ? "none" : $"exit {r.ExitCode} {r.StdErr.Trim()}")));

        results.Should().AllSatisfy(r => (r is null || r.ExitCode != 0).Should().BeTrue(
            $"the resumed node acknowledges nothing for a user living elsewhere (answered: {r?.StdOut}{r?.StdErr})"));
        exitCode.Should().Be(3, "the downed node ends its actor system and nixh serve exits unavailable, for a supervisor to restart it");

        // Recording continues on the majority for everyone.
        await survivors.RecordAsync(users, [3]);

        var rows = await JournalAudit.ReadAsync(Journal);
        JournalAudit.ShouldHoldEveryAcknowledgement(rows, load.Acknowledged.Concat(survivors.Acknowledged).ToList());
        rows.Where(r => r.Ordering > pausedAt && r.Writer == pausedWriter).Should().BeEmpty(
            "once paused, node2 wrote nothing more to the journal: not while frozen, and not after it resumed");
        rows.Should().NotContain(r => pausedUsers.Any(u => r.Payload.Contains(StaleText(u), StringComparison.Ordinal)),
            "no request node2 read after resuming reached the journal");
        output.WriteLine($"done after {clock.Elapsed}");
    }

    /// <summary>The attempts a load had sent again, by node and what it answered (the user left out).</summary>
    private static string Attempts(ClusterLoad load) =>
        $"{load.Failures.Count} attempts not acknowledged and sent again: " + string.Join(", ", load.Failures
            .Select(f => Regex.Replace(f, "user '[^']*'", "user …")).Select(f => f.Length > 160 ? f[..160] : f)
            .GroupBy(f => f).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()}× {g.Key}"));

    private static string StaleText(string user) => $"sent to the paused node for {user}";
}

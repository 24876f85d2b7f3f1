using System.Text;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Postgres;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// Projections that follow their user across nodes, and forget in cluster mode (docs/adr/0023): two nodes in this
/// process on loopback over the real PostgreSQL server of <see cref="PostgresFactAttribute"/>. A user first lives on
/// node A (A builds copies), A leaves so the user moves to B (B builds copies, the user records more there), and A
/// comes back on its old data directory as A2: A2 now holds a stale copy of a user who lives on B.
/// </summary>
public sealed class ProjectionsFollowUserSpecs : IAsyncLifetime
{
    private const int LaterRecords = 20;
    private static readonly string[] Users = [.. Enumerable.Range(1, 6).Select(i => $"mover{i}")];

    private readonly TempDataDirectory _dataOfA = new();
    private readonly string _marker = $"zqx-marker-{Guid.NewGuid():N}";
    private readonly List<ClusterNode> _nodes = [];
    private PostgresDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        // One after the other, the last started first: both at once waits for an exiting timeout (STACK-NOTES).
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }

        _dataOfA.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private async Task<ClusterNode> StartAsync(int port, string seed, TempDataDirectory? data = null)
    {
        var node = await ClusterNode.StartAsync(_database!.ConnectionString, port, seed, data);
        _nodes.Add(node);
        return node;
    }

    /// <summary>
    /// A and B up; every user records once through A (with the marker); a user living on A is chosen and searched
    /// there (A's copy holds #1); A leaves, the user records <see cref="LaterRecords"/> more through B, and A comes back
    /// on its data directory as A2. Returns the user, B and A2.
    /// </summary>
    private async Task<(string User, ClusterNode B, ClusterNode A2)> UserWithAStaleCopyOnA2Async()
    {
        var ports = ClusterNode.FreePorts(3);
        var a = await StartAsync(ports[0], ClusterNode.SeedAddress(ports[0]), _dataOfA);
        var b = await StartAsync(ports[1], ClusterNode.SeedAddress(ports[0]));
        foreach (var each in Users)
        {
            await a.Client.RecordInteractionAsync(new RecordInteraction(each, "s1", $"install {_marker} first", $"nix-env -iA nixpkgs.{_marker}"));
        }

        var onA = await a.ActiveUsersAsync();
        onA.Should().NotBeEmpty("with six users both nodes host some");
        var user = onA[0];
        (await a.Client.GetMemoryStatusAsync(user)).LastSequenceNr.Should().Be(1, "A's copy holds the first record");

        await a.DisposeAsync();
        for (var i = 1; i <= LaterRecords; i++)
        {
            await b.Client.RecordInteractionAsync(new RecordInteraction(user, "s1", $"install later{i}", $"nix-env -iA nixpkgs.later{i}"));
        }

        var a2 = await StartAsync(ports[2], ClusterNode.SeedAddress(ports[1]), _dataOfA);
        return (user, b, a2);
    }

    /// <summary>Every file of the users' folders of the data directory <paramref name="folder"/> whose bytes contain
    /// the marker (UTF-8 or UTF-16). The node is running: its lock file is not read.</summary>
    private List<string> FilesWithMarker(string folder)
    {
        var patterns = new[] { Encoding.UTF8.GetBytes(_marker), Encoding.Unicode.GetBytes(_marker) };
        var users = Path.Combine(folder, "users");
        return !Directory.Exists(users) ? [] : Directory.GetFiles(users, "*", SearchOption.AllDirectories)
            .Where(file => patterns.Any(p => File.ReadAllBytes(file).AsSpan().IndexOf(p) >= 0))
            .ToList();
    }

    [PostgresFact]
    public async Task A_user_handed_back_to_a_node_with_an_old_copy_is_answered_only_once_that_copy_caught_up()
    {
        var (user, b, a2) = await UserWithAStaleCopyOnA2Async();
        var copy = Path.Combine(_dataOfA.Path, "users", user, "memory");
        Directory.Exists(copy).Should().BeTrue("A2 holds A's copy of the user, one record old");

        // B leaves: its users, this one included, move to A2, whose copy is one record behind the journal's 21.
        await b.LeaveAsync();
        var hits = (await a2.Client.SearchAsync(new SearchMemory(user, "install later", LaterRecords + 5))).Results;

        hits.Select(h => h.Text).Should().Contain(
            Enumerable.Range(1, LaterRecords).Select(i => $"install later{i}"),
            "the first search after the hand-off waits for the catch-up: every record made on B is found");
        var memory = await a2.Client.GetMemoryStatusAsync(user);
        memory.LastSequenceNr.Should().Be(LaterRecords + 1);
        memory.EventsApplied.Should().Be(LaterRecords, "the old copy was caught up from its checkpoint, not rebuilt");
        (await a2.ActiveUsersAsync()).Should().Contain(user);
    }

    [PostgresFact]
    public async Task A_node_leaving_gracefully_folds_the_logs_of_the_copies_it_leaves_behind_into_their_files()
    {
        var ports = ClusterNode.FreePorts(2);
        var a = await StartAsync(ports[0], ClusterNode.SeedAddress(ports[0]), _dataOfA);
        var b = await StartAsync(ports[1], ClusterNode.SeedAddress(ports[0]));
        foreach (var each in Users)
        {
            await a.Client.RecordInteractionAsync(new RecordInteraction(each, "s1", $"install {_marker} first", $"nix-env -iA nixpkgs.{_marker}"));
        }

        var user = (await a.ActiveUsersAsync()).Should().NotBeEmpty("with six users both nodes host some").And.Subject.First();
        // Enough records for a memory log well above what a stopping node leaves to the next open (~2.7 KB per event).
        for (var i = 1; i <= 60; i++)
        {
            await a.Client.RecordInteractionAsync(new RecordInteraction(user, "s1", $"install more{i}", $"nix-env -iA nixpkgs.more{i}"));
        }

        (await a.Client.GetMemoryStatusAsync(user)).LastSequenceNr.Should().Be(61);
        var memoryLog = Path.Combine(_dataOfA.Path, "users", user, "memory", VectorMemoryStore.FileName + ".wal");
        Length(memoryLog).Should().BeGreaterThanOrEqualTo(ShutdownCheckpointBudget.SmallLogBytes, "the running memory has not checkpointed");

        // A leaves: the user is handed off to B, and A's copy stays behind with its log folded into the file.
        await a.LeaveAsync();

        Length(memoryLog).Should().Be(0, "the copy left behind was checkpointed when its user was handed off");
        var hits = (await b.Client.SearchAsync(new SearchMemory(user, "install more", 70))).Results;
        hits.Select(h => h.Text).Should().Contain(Enumerable.Range(1, 60).Select(i => $"install more{i}"), "nothing acknowledged is lost by the hand-off");
    }

    private static long Length(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    [PostgresFact]
    public async Task Forget_through_a_node_that_does_not_host_the_user_erases_the_rows_and_the_copies_of_both_nodes()
    {
        // The user lives on B, unless sharding has meanwhile rebalanced its shard to A2: either way one node hosts it
        // and the other holds a copy.
        var (user, b, a2) = await UserWithAStaleCopyOnA2Async();
        var other = Users.First(u => u != user);
        var otherBefore = await b.Client.GetStatusAsync(other);
        FilesWithMarker(b.DataDirectory).Should().NotBeEmpty("B built copies of the user");
        FilesWithMarker(a2.DataDirectory).Where(f => f.Contains($"{Path.DirectorySeparatorChar}{user}{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Should().NotBeEmpty("A2 holds its stale copy of the user");

        var report = await a2.Client.ForgetAsync(user);

        report.JournalEvents.Should().Be(LaterRecords + 1);
        report.Stores.Should().ContainSingle(line => line.StartsWith("node ", StringComparison.Ordinal))
            .Which.Should().Contain("copies deleted", "the other node deleted its copy and said so before the forget was answered");
        var persistenceId = SessionActor.PersistenceIdFor(user);
        (await _database!.CountAsync($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{persistenceId}'")).Should().Be(0);
        (await _database.CountAsync($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = '{persistenceId}'")).Should().Be(0);
        foreach (var node in new[] { b, a2 })
        {
            Directory.Exists(Path.Combine(node.DataDirectory, "users", user)).Should().BeFalse($"no copy of the user is left on {node.Address}");
        }

        FilesWithMarker(a2.DataDirectory).Where(f => f.Contains($"{Path.DirectorySeparatorChar}{user}{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Should().BeEmpty();
        foreach (var node in new[] { b, a2 })
        {
            (await node.Client.SearchAsync(new SearchMemory(user, $"install {_marker}", 10))).Results.Should().BeEmpty();
            (await node.Client.GetStatusAsync(user)).Interactions.Should().Be(0, "a forgotten user starts empty");
        }

        (await a2.Client.GetStatusAsync(other)).Should().BeEquivalentTo(otherBefore, "other users are untouched");
    }
}

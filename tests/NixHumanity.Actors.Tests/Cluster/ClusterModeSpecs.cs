using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Postgres;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// Cluster mode (docs/adr/0018): two nodes in this process on loopback, users sharded over them, the journal on the
/// real PostgreSQL server of <see cref="PostgresFactAttribute"/> (skipped outside CI like the other PostgreSQL specs).
/// </summary>
public sealed class ClusterModeSpecs : IAsyncLifetime
{
    private static readonly string[] Users = [.. Enumerable.Range(1, 8).Select(i => $"user{i}")];
    private static readonly string[] Texts = ["install firefox please", "make the text bigger", "update the system"];

    private TwoNodeCluster? _cluster;

    public async Task InitializeAsync() => _cluster = await TwoNodeCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    private ClusterNode First => _cluster!.First;

    private ClusterNode Second => _cluster!.Second;

    private ClusterNode[] Nodes => [First, Second];

    /// <summary>Each text for each user, alternating the node it is sent through; returns the acknowledged sequence numbers.</summary>
    private async Task<Dictionary<string, List<long>>> RecordThroughBothNodesAsync()
    {
        var acks = Users.ToDictionary(u => u, _ => new List<long>());
        var i = 0;
        foreach (var text in Texts)
        {
            foreach (var user in Users)
            {
                var node = Nodes[i++ % 2];
                var ack = await node.Client.RecordInteractionAsync(new RecordInteraction(user, "s1", text, $"cmd {text}", Outcome: InteractionOutcome.Success));
                acks[user].Add(ack.SequenceNr);
            }
        }

        return acks;
    }

    [PostgresFact]
    public async Task Users_recorded_through_both_nodes_each_live_on_one_node_and_answer_alike_from_either()
    {
        var acks = await RecordThroughBothNodesAsync();

        acks.Values.Should().AllSatisfy(seq => seq.Should().Equal(1, 2, 3), "every record is acknowledged once, in order, whichever node took it");
        var onFirst = await First.ActiveUsersAsync();
        var onSecond = await Second.ActiveUsersAsync();
        onFirst.Should().NotIntersectWith(onSecond, "a user's tree runs on exactly one node");
        onFirst.Concat(onSecond).Should().BeEquivalentTo(Users);
        onFirst.Should().NotBeEmpty();
        onSecond.Should().NotBeEmpty("both nodes host users");
        (await _cluster!.Database.CountAsync("SELECT COUNT(*) FROM journal")).Should().Be(Users.Length * Texts.Length);

        foreach (var user in Users)
        {
            var statuses = await Task.WhenAll(Nodes.Select(n => n.Client.GetStatusAsync(user)));
            statuses[0].Should().BeEquivalentTo(statuses[1]);
            statuses[0].Interactions.Should().Be(Texts.Length);
            var searches = await Task.WhenAll(Nodes.Select(n => n.Client.SearchAsync(new SearchMemory(user, "install firefox", 5))));
            searches[0].Results.Select(r => r.Text).Should().BeEquivalentTo(Texts);
            searches[1].Results.Should().BeEquivalentTo(searches[0].Results);
        }
    }

    [PostgresFact]
    public async Task A_node_that_leaves_gracefully_hands_its_users_off_and_their_answers_stay_equal()
    {
        await RecordThroughBothNodesAsync();
        var movedAway = await Second.ActiveUsersAsync();
        movedAway.Should().NotBeEmpty();
        var before = new Dictionary<string, (SessionStatus Status, IReadOnlyList<MemoryHit> Hits)>();
        foreach (var user in Users)
        {
            before[user] = (await First.Client.GetStatusAsync(user), (await First.Client.SearchAsync(new SearchMemory(user, "install firefox", 5))).Results);
        }

        await Second.LeaveAsync();

        foreach (var user in Users)
        {
            (await First.Client.GetStatusAsync(user)).Should().BeEquivalentTo(before[user].Status);
            var hits = (await First.Client.SearchAsync(new SearchMemory(user, "install firefox", 5))).Results;
            hits.Select(h => (h.Id, h.Text, h.Command)).Should().BeEquivalentTo(before[user].Hits.Select(h => (h.Id, h.Text, h.Command)));
        }

        (await First.ActiveUsersAsync()).Should().BeEquivalentTo(Users, "every user now lives on the node that stayed");
        var ack = await First.Client.RecordInteractionAsync(new RecordInteraction(movedAway[0], "s1", "one more", "cmd one more"));
        ack.SequenceNr.Should().Be(Texts.Length + 1, "the moved user's session recovered its journal on the new node");
    }
}

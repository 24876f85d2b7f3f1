using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Postgres;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// What spans users in cluster mode (docs/adr/0023): the known users, a query over every user and an export, asked
/// through either of two nodes while the users live on both (real PostgreSQL, <see cref="PostgresFactAttribute"/>).
/// </summary>
public sealed class CrossUserClusterSpecs : IAsyncLifetime
{
    private static readonly string[] Recorders = [.. Enumerable.Range(1, 6).Select(i => $"rec{i}")];
    private static readonly string[] Sensed = [.. Enumerable.Range(1, 6).Select(i => $"bio{i}")];

    private readonly TempDataDirectory _export = new();
    private TwoNodeCluster? _cluster;

    public async Task InitializeAsync() => _cluster = await TwoNodeCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _export.Dispose();
    }

    private ClusterNode First => _cluster!.First;

    private ClusterNode Second => _cluster!.Second;

    /// <summary>Recorders record twice each through alternating nodes; the sensed users only send biometric samples
    /// (no journal event: their only trace is the folder on the node hosting them).</summary>
    private async Task FillAsync()
    {
        var i = 0;
        foreach (var text in new[] { "install firefox please", "update the system" })
        {
            foreach (var user in Recorders)
            {
                var node = i++ % 2 == 0 ? First : Second;
                await node.Client.RecordInteractionAsync(new RecordInteraction(user, "s1", text, $"cmd {text}", Outcome: InteractionOutcome.Success));
            }
        }

        foreach (var user in Sensed)
        {
            await First.Client.RecordBiometricsAsync(user, [new BiometricSample(DateTimeOffset.UtcNow.AddMinutes(-1), user, 0.5, 0.4, 0.3)]);
        }
    }

    [PostgresFact]
    public async Task Known_users_and_a_query_over_every_user_cover_the_users_of_both_nodes_from_either()
    {
        await FillAsync();
        var sensedOnSecond = (await Second.ActiveUsersAsync()).Intersect(Sensed).ToList();
        sensedOnSecond.Should().NotBeEmpty("some sensed users live on the second node");

        First.Client.KnownUsers().Should().NotContain(sensedOnSecond, "their folder is on the second node only");
        foreach (var node in new[] { First, Second })
        {
            // A recorder's folder appears when its projections apply the first event, after the acknowledgement; the
            // sensed users' folders exist once their samples are acknowledged.
            (await node.Client.KnownUsersAsync()).Should().Contain(Sensed).And.OnlyContain(u => Recorders.Contains(u) || Sensed.Contains(u));
            foreach (var user in sensedOnSecond)
            {
                (await node.Client.IsKnownUserAsync(user)).Should().BeTrue($"{user} is known through every node");
            }
        }

        var perUser = new List<QueryResult>();
        foreach (var user in Recorders.Concat(Sensed))
        {
            perUser.Add(await First.Client.QueryAsync(user, "flow"));
        }

        var expected = AnalyticsQueries.MergeFlow(perUser);
        (await First.Client.QueryAsync(null, "flow")).Should().BeEquivalentTo(expected, "the query over every user asks each user wherever it lives");
        (await Second.Client.QueryAsync(null, "flow")).Should().BeEquivalentTo(expected);
        var learning = await Second.Client.QueryAsync(null, "learning");
        learning.Rows.Select(r => (string)r["user_id"]!).Distinct().Should().BeSubsetOf(Recorders.Concat(Sensed));
    }

    [PostgresFact]
    public async Task An_export_through_the_node_that_does_not_host_the_user_holds_the_users_history_and_stores()
    {
        await FillAsync();
        var user = (await Second.ActiveUsersAsync()).Intersect(Recorders).First();
        var folder = Path.Combine(_export.Path, "out");

        var manifest = await First.Client.ExportAsync(user, folder);

        manifest.UserId.Should().Be(user);
        manifest.Counts["events"].Should().Be(2);
        manifest.Counts["interactions"].Should().Be(2);
        manifest.Files.Should().HaveCountGreaterThan(1, "the journal's events and the stores written by the node hosting the user");
        manifest.Files.Should().OnlyContain(f => File.Exists(Path.Combine(folder, f.Path)));
    }
}

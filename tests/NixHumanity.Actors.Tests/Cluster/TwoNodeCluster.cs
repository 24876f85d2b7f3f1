using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Postgres;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// Two cluster nodes in this process on loopback over a fresh PostgreSQL database: the first lists itself as the seed
/// and forms the cluster, the second joins it. Disposed one node after the other, then the database.
/// </summary>
internal sealed class TwoNodeCluster : IAsyncDisposable
{
    private TwoNodeCluster(PostgresDatabase database, ClusterNode first, ClusterNode second)
    {
        Database = database;
        First = first;
        Second = second;
    }

    /// <summary>The database both nodes journal to.</summary>
    public PostgresDatabase Database { get; }

    /// <summary>The seed node.</summary>
    public ClusterNode First { get; }

    /// <summary>The node that joined the seed.</summary>
    public ClusterNode Second { get; }

    /// <summary>Creates the database and starts both nodes.</summary>
    /// <param name="configure">Changes a spec makes to both nodes' options.</param>
    public static async Task<TwoNodeCluster> StartAsync(Action<NixHumanityOptions>? configure = null)
    {
        var database = await PostgresDatabase.CreateAsync();
        ClusterNode? first = null;
        try
        {
            var ports = ClusterNode.FreePorts(2);
            var seed = ClusterNode.SeedAddress(ports[0]);
            first = await ClusterNode.StartAsync(database.ConnectionString, ports[0], seed, configure: configure);
            var second = await ClusterNode.StartAsync(database.ConnectionString, ports[1], seed, configure: configure);
            // The second node is up, but its shard region registers with the coordinator a moment later; until then
            // every new user's shard goes to the first node (NewUserHostedOnAsync found none of 60 on the second).
            await Eventually.HoldsAsync(async () => (await first.RegisteredRegionsAsync()).Should().Be(2), TimeSpan.FromSeconds(60));
            return new TwoNodeCluster(database, first, second);
        }
        catch
        {
            // A node that failed to start leaves nothing running behind the failed spec.
            if (first is not null)
            {
                await first.DisposeAsync();
            }

            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A new user hosted on <paramref name="host"/>: which node hosts a new user depends on which shard regions the
    /// coordinator knows when the user's shard is first allocated, so people named <paramref name="prefix"/>1, 2, … record
    /// one interaction ("install firefox") each through the first node until one lives on <paramref name="host"/>.
    /// </summary>
    public async Task<string> NewUserHostedOnAsync(ClusterNode host, string prefix)
    {
        for (var i = 1; i <= 60; i++)
        {
            var user = $"{prefix}{i}";
            await First.Client.RecordInteractionAsync(new RecordInteraction(user, "s1", "install firefox", "nix-env -iA nixpkgs.firefox", Outcome: InteractionOutcome.Success));
            if ((await host.ActiveUsersAsync()).Contains(user))
            {
                return user;
            }
        }

        throw new Xunit.Sdk.XunitException($"none of 60 new people was hosted on {host.Address}");
    }

    /// <summary>A new user hosted on the second node (<see cref="NewUserHostedOnAsync"/>).</summary>
    public Task<string> NewUserHostedOnSecondAsync(string prefix) => NewUserHostedOnAsync(Second, prefix);

    /// <summary>
    /// Records <paramref name="count"/> interactions of <paramref name="user"/>, sent through the first and the second
    /// node in turn: interaction <c>i</c> installs "package number i" (a distinct text and command each), every seventh
    /// one failed.
    /// </summary>
    public async Task RecordThroughBothNodesAsync(string user, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var node = i % 2 == 0 ? First : Second;
            await node.Client.RecordInteractionAsync(new RecordInteraction(
                user, "s1", $"install package number {i} for the project", $"nix-env -iA nixpkgs.package{i}",
                Outcome: i % 7 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // One after the other: both at once waits for an exiting timeout (STACK-NOTES).
        await Second.DisposeAsync();
        await First.DisposeAsync();
        await Database.DisposeAsync();
    }
}

using NixHumanity.Actors.Tests.Postgres;

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
    public static async Task<TwoNodeCluster> StartAsync()
    {
        var database = await PostgresDatabase.CreateAsync();
        ClusterNode? first = null;
        try
        {
            var ports = ClusterNode.FreePorts(2);
            var seed = ClusterNode.SeedAddress(ports[0]);
            first = await ClusterNode.StartAsync(database.ConnectionString, ports[0], seed);
            var second = await ClusterNode.StartAsync(database.ConnectionString, ports[1], seed);
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // One after the other: both at once waits for an exiting timeout (STACK-NOTES).
        await Second.DisposeAsync();
        await First.DisposeAsync();
        await Database.DisposeAsync();
    }
}

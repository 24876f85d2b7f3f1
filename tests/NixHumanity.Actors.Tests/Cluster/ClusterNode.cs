using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Users;
using NixHumanity.Actors.Tests.Support;
using AkkaCluster = Akka.Cluster.Cluster;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// One node of a cluster in this test process: a generic host with <c>AddNixHumanity</c> in cluster mode on
/// 127.0.0.1, its own data directory, and the shared PostgreSQL journal.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>The actor system name every node of a test cluster uses.</summary>
    public const string SystemName = "nixh-cluster";

    private readonly IHost _host;
    private readonly TempDataDirectory _data;
    private readonly bool _ownsData;
    private bool _stopped;

    private ClusterNode(IHost host, TempDataDirectory data, bool ownsData, int port)
    {
        _host = host;
        _data = data;
        _ownsData = ownsData;
        Port = port;
    }

    /// <summary>The node's TCP port.</summary>
    public int Port { get; }

    /// <summary>The node's address, as a seed node is written.</summary>
    public string Address => SeedAddress(Port);

    /// <summary>The node's data directory (its local projections).</summary>
    public string DataDirectory => _data.Path;

    /// <summary>The client of this node.</summary>
    public NixHumanityClient Client => _host.Services.GetRequiredService<NixHumanityClient>();

    /// <summary>The node's actor system.</summary>
    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    /// <summary>The address of a node of the test cluster listening on <paramref name="port"/>.</summary>
    public static string SeedAddress(int port) => $"akka.tcp://{SystemName}@127.0.0.1:{port}";

    /// <summary>Free TCP ports on the loopback interface (bound and released, so the nodes can take them).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    /// <summary>Starts a node on <paramref name="port"/> joining through <paramref name="seed"/>; returns once it is a member that is up.</summary>
    /// <param name="connectionString">The shared PostgreSQL journal.</param>
    /// <param name="port">The node's TCP port.</param>
    /// <param name="seed">The seed node's address.</param>
    /// <param name="dataDirectory">A data directory of an earlier node to start on (the caller keeps and disposes
    /// it); null for a new one of this node's own.</param>
    /// <param name="configure">Changes a spec makes to the node's options, after the cluster's own.</param>
    public static async Task<ClusterNode> StartAsync(
        string connectionString, int port, string seed, TempDataDirectory? dataDirectory = null, Action<NixHumanityOptions>? configure = null)
    {
        var data = dataDirectory ?? new TempDataDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(options =>
        {
            options.ActorSystemName = SystemName;
            options.DataDirectory = data.Path;
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };
            options.JournalProvider = JournalProvider.Postgres;
            options.ConnectionString = connectionString;
            // A bound on a failure, not a speed check: the first message after a node left waits for the shard
            // coordinator to move, which takes more than the default 10 s on a loaded machine.
            options.AskTimeout = TimeSpan.FromSeconds(60);
            options.Cluster = new ClusterModeOptions
            {
                Enabled = true,
                Hostname = "127.0.0.1",
                Port = port,
                SeedNodes = [seed],
            };
            configure?.Invoke(options);
        });
        var host = builder.Build();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await host.StartAsync();
        AkkaCluster.Get(host.Services.GetRequiredService<ActorSystem>()).RegisterOnMemberUp(up.SetResult);
        // Bounds a failure to form the cluster; a success is announced by the member-up event.
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new ClusterNode(host, data, ownsData: dataDirectory is null, port);
    }

    /// <summary>The users whose tree runs on this node.</summary>
    public async Task<IReadOnlyList<string>> ActiveUsersAsync()
    {
        var directory = await _host.Services.GetRequiredService<IRequiredActor<UserDirectory>>().GetAsync();
        return (await directory.Ask<ActiveUsers>(GetActiveUsers.Instance, TimeSpan.FromSeconds(10))).UserIds;
    }

    /// <summary>
    /// How many nodes' shard regions the users' shard coordinator knows, asked through this node: a region registers
    /// with the coordinator after its node is up, and only a registered region is given new shards.
    /// </summary>
    public async Task<int> RegisteredRegionsAsync()
    {
        var region = ClusterSharding.Get(_host.Services.GetRequiredService<ActorSystem>()).ShardRegion(ClusterMode.TypeName);
        var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(20));
        return stats.Regions.Count;
    }

    /// <summary>Leaves the cluster gracefully (coordinated shutdown: shards handed off, then the member leaves).</summary>
    public async Task LeaveAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _host.StopAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await LeaveAsync();
        _host.Dispose();
        if (_ownsData)
        {
            _data.Dispose();
        }
    }
}

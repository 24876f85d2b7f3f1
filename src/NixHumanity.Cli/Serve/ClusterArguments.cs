using System.CommandLine;
using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using AkkaCluster = Akka.Cluster.Cluster;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The options of <c>nixh serve</c> that make it a node of a cluster (docs/cluster.md, docs/adr/0024) or put its
/// journal on PostgreSQL, checked as <c>field: rule</c> before anything starts and mapped onto
/// <see cref="NixHumanityOptions.Cluster"/>, <see cref="NixHumanityOptions.JournalProvider"/> and
/// <see cref="NixHumanityOptions.ConnectionString"/>.
/// </summary>
internal static class ClusterArguments
{
    /// <summary>Environment variable holding the PostgreSQL connection string when <c>--journal-connection</c> is not
    /// given: a password in it stays out of the process list.</summary>
    public const string JournalConnectionVariable = "NIXH_JOURNAL_CONNECTION";

    public static readonly Option<bool> Cluster = new("--cluster")
    {
        Description = "Be a node of a cluster: users are spread over the nodes, the journal is the shared PostgreSQL one (docs/cluster.md)",
    };

    public static readonly Option<string?> Hostname = new("--hostname")
    {
        Description = "Host name or IP address this node binds and the other nodes reach it at (default: localhost)",
        HelpName = "HOST",
    };

    public static readonly Option<int?> Port = new("--port")
    {
        Description = "TCP port of this node, 0..65535 (default: 4053)",
        HelpName = "PORT",
    };

    public static readonly Option<string[]> SeedNodes = new("--seed-node")
    {
        Description = "Address of a node to join through, e.g. akka.tcp://nix-humanity@host-a:4053 (repeat for several; " +
            "the first node lists itself first to start the cluster)",
        HelpName = "ADDRESS",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Option<int?> Shards = new("--shards")
    {
        Description = "Shards the users are spread over; the same on every node, never changed while the journal is in use (default: 100)",
        HelpName = "N",
    };

    public static readonly Option<string?> JournalConnection = new("--journal-connection")
    {
        Description = $"PostgreSQL connection string of the journal, e.g. \"Host=db;Database=nixh;Username=nixh\" (default: ${JournalConnectionVariable}; " +
            "without either the journal is the data directory's SQLite file)",
        HelpName = "CONNECTION",
        DefaultValueFactory = _ => CliConsole.Variable(JournalConnectionVariable) is { Length: > 0 } chosen ? chosen : null,
    };

    /// <summary>The options, for the <c>serve</c> verb.</summary>
    public static IEnumerable<Option> All => [Cluster, Hostname, Port, SeedNodes, Shards, JournalConnection];

    /// <summary>
    /// Checks the options together and returns what they set on the host's options (nothing without <c>--cluster</c>
    /// and <c>--journal-connection</c>).
    /// </summary>
    /// <exception cref="InvalidInputException">A value that cannot work, naming the option and the rule.</exception>
    public static Action<NixHumanityOptions> Read(ParseResult parse)
    {
        var chosen = new Chosen(
            parse.GetValue(Cluster), parse.GetValue(Hostname), parse.GetValue(Port), parse.GetValue(SeedNodes) ?? [],
            parse.GetValue(Shards), parse.GetValue(JournalConnection));
        CheckNode(chosen);
        CheckSeeds(chosen.Seeds);
        CheckJournal(chosen);
        return options => Apply(chosen, options);
    }

    /// <summary>The node's own options: only with <c>--cluster</c>, and each within its range.</summary>
    private static void CheckNode(Chosen chosen)
    {
        if (!chosen.Clustered && (chosen.Hostname is not null || chosen.Port is not null || chosen.Seeds.Length > 0 || chosen.Shards is not null))
        {
            Reject("cluster", "--hostname, --port, --seed-node and --shards need --cluster");
        }

        if (chosen.Hostname is not null && string.IsNullOrWhiteSpace(chosen.Hostname))
        {
            Reject("hostname", "must not be empty");
        }

        if (chosen.Port is < 0 or > 65535)
        {
            Reject("port", $"must be 0..65535 (got {chosen.Port})");
        }

        if (chosen.Shards is < 1)
        {
            Reject("shards", $"must be at least 1 (got {chosen.Shards})");
        }
    }

    /// <summary>Every seed is a node address of nixh serve's actor system.</summary>
    private static void CheckSeeds(string[] seeds)
    {
        var systemName = new NixHumanityOptions().ActorSystemName;
        foreach (var seed in seeds)
        {
            if (!ActorPath.TryParseAddress(seed, out var address) || address.Host is null || address.Port is null)
            {
                Reject("seedNode", $"'{seed}' is not a node address like akka.tcp://{systemName}@host:4053");
            }
            else if (address.System != systemName)
            {
                Reject("seedNode", $"'{seed}' names actor system '{address.System}'; every node of nixh serve is '{systemName}'");
            }
        }
    }

    /// <summary>A journal connection is not empty, and a cluster has one (the PostgreSQL journal every node shares).</summary>
    private static void CheckJournal(Chosen chosen)
    {
        if (chosen.Connection is not null && string.IsNullOrWhiteSpace(chosen.Connection))
        {
            Reject("journalConnection", "must not be empty");
        }

        if (chosen.Clustered && chosen.Connection is null)
        {
            Reject("cluster", $"needs the PostgreSQL journal every node shares: --journal-connection or ${JournalConnectionVariable}");
        }
    }

    /// <summary>Sets what the checked options choose on the host's options.</summary>
    private static void Apply(Chosen chosen, NixHumanityOptions options)
    {
        if (chosen.Connection is not null)
        {
            options.JournalProvider = JournalProvider.Postgres;
            options.ConnectionString = chosen.Connection;
        }

        if (!chosen.Clustered)
        {
            return;
        }

        var cluster = new ClusterModeOptions { Enabled = true, SeedNodes = [.. chosen.Seeds] };
        cluster.Hostname = chosen.Hostname ?? cluster.Hostname;
        cluster.Port = chosen.Port ?? cluster.Port;
        cluster.NumberOfShards = chosen.Shards ?? cluster.NumberOfShards;
        options.Cluster = cluster;
    }

    /// <summary>
    /// Completes once this node is a member that is up (at once outside cluster mode); a node whose seeds cannot be
    /// reached keeps trying until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task WhenUpAsync(ActorSystem system, NixHumanityOptions options, CancellationToken cancellationToken)
    {
        if (!options.Cluster.Enabled)
        {
            return;
        }

        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AkkaCluster.Get(system).RegisterOnMemberUp(up.SetResult);
        await up.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>This node's own address (<c>akka.tcp://nix-humanity@host:port</c>), or <c>null</c> outside cluster mode.</summary>
    public static string? AddressOf(ActorSystem system, NixHumanityOptions options) =>
        options.Cluster.Enabled ? AkkaCluster.Get(system).SelfAddress.ToString() : null;

    private static void Reject(string field, string rule) => throw new InvalidInputException(new CommandRejected(field, rule));

    /// <summary>The values given for the options of <see cref="All"/>.</summary>
    private sealed record Chosen(bool Clustered, string? Hostname, int? Port, string[] Seeds, int? Shards, string? Connection);
}

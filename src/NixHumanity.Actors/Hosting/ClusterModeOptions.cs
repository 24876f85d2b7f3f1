using Akka.Actor;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Cluster mode (docs/adr/0018-cluster-mode.md): users become sharded entities spread over the nodes of an Akka
/// cluster, the journal and snapshots live in one PostgreSQL database shared by every node, and the split-brain
/// resolver decides which side of a partition survives. Off by default: one process with its own journal.
/// </summary>
public sealed class ClusterModeOptions
{
    // The hosting validator turns "Cluster.Hostname" into the configuration key "NixHumanity:Cluster:Hostname".
    private const string Section = "Cluster.";

    /// <summary>Whether this host is a node of a cluster. Default <c>false</c> (single process).</summary>
    public bool Enabled { get; set; }

    /// <summary>Host name or IP address this node binds and is reached at by the others. Default <c>localhost</c>.</summary>
    public string Hostname { get; set; } = "localhost";

    /// <summary>TCP port of this node; <c>0</c> picks a free one (then no other node can list it as a seed). Default 4053.</summary>
    public int Port { get; set; } = 4053;

    /// <summary>
    /// Addresses of the nodes a starting node contacts to join, e.g. <c>akka.tcp://nix-humanity@host-a:4053</c>; the
    /// system name must be <see cref="NixHumanityOptions.ActorSystemName"/>. The first seed node starts the cluster when
    /// it lists itself first. Empty: the node does not join by itself.
    /// </summary>
    public List<string> SeedNodes { get; set; } = [];

    /// <summary>Cluster roles of this node (informational for now: every node hosts users).</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Shards the users are spread over; the same on every node and never changed while the journal is in use. Default 100.</summary>
    public int NumberOfShards { get; set; } = 100;

    /// <summary>
    /// How long a staging folder of an export or a restore between nodes (docs/adr/0044, 0048) may go untouched (no
    /// chunk read or written) before the node holding it deletes it: a caller that died mid-transfer leaves nothing
    /// behind for longer than this and a quarter. Keep it well above <see cref="NixHumanityOptions.AskTimeout"/>, the
    /// longest a live caller waits between two chunks. Default 10 minutes.
    /// </summary>
    public TimeSpan StagingIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the option as it is written under the options' <c>Cluster</c> section
    /// (<c>Cluster.Hostname</c>, like <c>Flow.*</c>) and the rule when a value is unusable.
    /// </summary>
    /// <param name="journal">The journal backend the host is configured with: a cluster needs one all nodes share.</param>
    public void Validate(JournalProvider journal)
    {
        if (!Enabled)
        {
            return;
        }

        if (journal != JournalProvider.Postgres)
        {
            throw new ArgumentException("needs JournalProvider Postgres: every node must write to the same journal", Section + nameof(Enabled));
        }

        if (string.IsNullOrWhiteSpace(Hostname))
        {
            throw new ArgumentException("must not be empty", Section + nameof(Hostname));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException("must be 0..65535", Section + nameof(Port));
        }

        if (StagingIdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("must be more than zero", Section + nameof(StagingIdleTimeout));
        }

        if (NumberOfShards < 1)
        {
            throw new ArgumentException("must be at least 1", Section + nameof(NumberOfShards));
        }

        foreach (var seed in SeedNodes ?? throw new ArgumentException("must be set", Section + nameof(SeedNodes)))
        {
            if (!ActorPath.TryParseAddress(seed, out var address) || address.Host is null || address.Port is null)
            {
                throw new ArgumentException($"'{seed}' is not an address like akka.tcp://nix-humanity@host:4053", Section + nameof(SeedNodes));
            }
        }

        if ((Roles ?? throw new ArgumentException("must be set", Section + nameof(Roles))).Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("must not contain empty names", Section + nameof(Roles));
        }
    }
}

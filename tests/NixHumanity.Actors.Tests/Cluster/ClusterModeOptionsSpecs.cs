using Akka.Actor;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Infrastructure.Serialization;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>The cluster mode options and the serialization choice of docs/adr/0018, without a cluster.</summary>
public sealed class ClusterModeOptionsSpecs
{
    private static NixHumanityOptions Clustered(Action<ClusterModeOptions> configure)
    {
        var options = new NixHumanityOptions
        {
            DataDirectory = "/tmp/unused",
            JournalProvider = JournalProvider.Postgres,
            ConnectionString = "Host=localhost;Database=nixh;Username=nixh",
            Cluster = new ClusterModeOptions { Enabled = true, SeedNodes = ["akka.tcp://nix-humanity@host-a:4053"] },
        };
        configure(options.Cluster);
        return options;
    }

    [Fact]
    public void Cluster_mode_is_off_by_default()
    {
        new NixHumanityOptions().Cluster.Enabled.Should().BeFalse();
    }

    [Fact]
    public void A_usable_cluster_configuration_passes()
    {
        Clustered(_ => { }).Validate();
    }

    [Fact]
    public void Cluster_mode_needs_the_shared_postgres_journal()
    {
        var options = Clustered(_ => { });
        options.JournalProvider = JournalProvider.Sqlite;
        options.ConnectionString = null;

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>()
            .Which.Should().Match<ArgumentException>(e => e.ParamName == "Cluster.Enabled" && e.Message.Contains("JournalProvider Postgres"));
    }

    [Theory]
    [InlineData("host-a:4053")]
    [InlineData("akka.tcp://nix-humanity@host-a")]
    public void A_seed_node_that_is_not_an_address_is_refused_naming_it(string seed)
    {
        var options = Clustered(c => c.SeedNodes = [seed]);

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.Message.Should().Contain(seed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void A_staging_idle_timeout_of_zero_or_less_is_refused(int seconds)
    {
        var options = Clustered(c => c.StagingIdleTimeout = TimeSpan.FromSeconds(seconds));

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>()
            .Which.Should().Match<ArgumentException>(e => e.ParamName == "Cluster.StagingIdleTimeout" && e.Message.StartsWith("must be more than zero"));
    }

    [Theory]
    [InlineData(-1, 100, "Cluster.Port")]
    [InlineData(70000, 100, "Cluster.Port")]
    [InlineData(4053, 0, "Cluster.NumberOfShards")]
    public void Ports_and_shard_counts_out_of_range_are_refused(int port, int shards, string option)
    {
        var options = Clustered(c =>
        {
            c.Port = port;
            c.NumberOfShards = shards;
        });

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.ParamName.Should().Be(option);
    }

    [Fact]
    public void Messages_between_nodes_use_the_wire_serializer_and_journaled_events_keep_the_journal_serializer()
    {
        using var system = ActorSystem.Create("wire", NixHumanityConfig.Compose(Clustered(_ => { })));
        var record = new RecordInteraction("ann", "s1", "install firefox", "nix-env -iA nixpkgs.firefox",
            Outcome: InteractionOutcome.Success, FlowScore: 0.5, Timestamp: DateTimeOffset.Parse("2026-12-01T08:00:00+01:00", System.Globalization.CultureInfo.InvariantCulture));
        var ack = new InteractionAcknowledged("i-1", 7, 0.5, InFlow: false, Released: [new DeferredNotification("n-1", "system-update", record.Timestamp!.Value)]);

        foreach (var message in new object[] { record, ack })
        {
            var serializer = system.Serialization.FindSerializerFor(message);
            serializer.Should().BeOfType<NixHumanityWireSerializer>("docs/adr/0018: the library's messages and replies travel as System.Text.Json");
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
            system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest).Should().BeEquivalentTo(message);
        }

        system.Serialization.FindSerializerForType(typeof(InteractionRecorded)).Should().BeOfType<NixHumanityJsonSerializer>();
    }
}

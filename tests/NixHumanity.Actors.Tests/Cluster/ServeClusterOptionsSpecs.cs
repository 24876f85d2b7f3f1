using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// <c>nixh serve</c>'s cluster options (docs/cluster.md): a value that cannot work is refused before anything starts,
/// as <c>nixh: field: rule</c> with exit 2, and nothing is created in the data directory.
/// </summary>
public sealed class ServeClusterOptionsSpecs
{
    private const string Connection = "Host=127.0.0.1;Database=nixh;Username=nixh";
    private const string Seed = "akka.tcp://nix-humanity@127.0.0.1:4053";

    [Theory]
    [InlineData("port: must be 0..65535 (got 70000)", "--cluster", "--journal-connection", Connection, "--port", "70000")]
    [InlineData("seedNode: 'host-a:4053' is not a node address like akka.tcp://nix-humanity@host:4053", "--cluster", "--journal-connection", Connection, "--seed-node", "host-a:4053")]
    [InlineData("seedNode: 'akka.tcp://nix-humanity@host-a' is not a node address like akka.tcp://nix-humanity@host:4053", "--cluster", "--journal-connection", Connection, "--seed-node", Seed, "--seed-node", "akka.tcp://nix-humanity@host-a")]
    [InlineData("seedNode: 'akka.tcp://other@host-a:4053' names actor system 'other'; every node of nixh serve is 'nix-humanity'", "--cluster", "--journal-connection", Connection, "--seed-node", "akka.tcp://other@host-a:4053")]
    [InlineData("cluster: needs the PostgreSQL journal every node shares: --journal-connection or $NIXH_JOURNAL_CONNECTION", "--cluster", "--seed-node", Seed)]
    [InlineData("cluster: --hostname, --port, --seed-node and --shards need --cluster", "--journal-connection", Connection, "--port", "4053")]
    [InlineData("shards: must be at least 1 (got 0)", "--cluster", "--journal-connection", Connection, "--shards", "0")]
    [InlineData("hostname: must not be empty", "--cluster", "--journal-connection", Connection, "--hostname", " ")]
    [InlineData("journalConnection: must not be empty", "--journal-connection", "")]
    public async Task A_cluster_option_that_cannot_work_is_refused_naming_the_field_and_nothing_is_created(string message, params string[] options)
    {
        using var data = new TempDataDirectory();
        var dataDirectory = Path.Combine(data.Path, "node");

        var result = await NixhProcess.RunAsync(["serve", "--data-dir", dataDirectory, .. options]);

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.Trim().Should().Be($"nixh: {message}");
        result.StdOut.Should().BeEmpty();
        Directory.Exists(dataDirectory).Should().BeFalse("a refused option creates nothing");
    }

    [Fact]
    public async Task Serve_help_lists_the_cluster_options()
    {
        var result = await NixhProcess.RunAsync("serve", "--help");

        result.ExitCode.Should().Be(0);
        result.StdOut.Should().ContainAll("--cluster", "--hostname", "--port", "--seed-node", "--shards", "--journal-connection");
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Hosting.Serving;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>
/// A host that embeds the library (an assistant's <c>AddNixHumanity</c>) serves the <c>nixh</c> verbs for the data
/// directory it owns, as <c>nixh serve</c> does, unless <c>NixHumanity:Serve</c> is false. The verb-by-verb comparison
/// of its answers with a verb's own process is in <see cref="ServedOutputSpecs"/>.
/// </summary>
public sealed class InProcessServeSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string Socket => ServePaths.Socket(_data.Path);

    private IHost BuildHost(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NixHumanity:DataDirectory"] = _data.Path,
            ["NixHumanity:Embeddings:Kind"] = nameof(EmbedderKind.NGram),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddNixHumanity(builder.Configuration.GetSection(NixHumanityHostingExtensions.DefaultSectionName));
        return builder.Build();
    }

    [Fact]
    public async Task A_verb_beside_a_host_that_embeds_the_library_is_answered_by_that_host()
    {
        using var host = BuildHost();
        await host.StartAsync();
        host.Services.GetRequiredService<CommandLineServing>().SocketPath.Should().Be(Socket);

        var recorded = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync(
            "record", "--data-dir", _data.Path, "--json", "--user", "rose", "--session", "s", "--text", "install vlc", "--command", "nix-env -iA nixpkgs.vlc"));
        var status = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", "rose", "--json"));

        recorded.GetProperty("sequenceNr").GetInt64().Should().Be(1);
        status.GetProperty("interactions").GetInt64().Should().Be(1);
        (await host.Services.GetRequiredService<NixHumanityClient>().GetStatusAsync("rose")).Interactions
            .Should().Be(1, "the verb was recorded by the host's own tree, not by a process of its own");
        await host.StopAsync();
        File.Exists(Socket).Should().BeFalse("the host stops listening when it stops");
    }

    [Fact]
    public async Task With_serve_off_in_configuration_a_verb_beside_the_host_is_refused_as_in_use()
    {
        using var host = BuildHost(new() { ["NixHumanity:Serve"] = "false" });
        await host.StartAsync();

        var refused = await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", "rose");

        host.Services.GetRequiredService<NixHumanityOptions>().Serve.Should().BeFalse();
        host.Services.GetRequiredService<CommandLineServing>().SocketPath.Should().BeNull();
        File.Exists(Socket).Should().BeFalse();
        refused.ExitCode.Should().Be(6, refused.StdErr);
        refused.StdErr.Should().StartWith($"nixh: data directory {_data.Path} is in use by process {Environment.ProcessId} (");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_second_host_on_a_served_data_directory_is_refused_and_leaves_the_first_ones_socket_alone()
    {
        using var first = BuildHost();
        await first.StartAsync();
        using var second = BuildHost();

        var start = async () => await second.StartAsync();

        await start.Should().ThrowAsync<Contracts.DataDirectoryInUseException>();
        var status = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", "rose", "--json"));
        status.GetProperty("interactions").GetInt64().Should().Be(0);
        await first.StopAsync();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary><c>nixh serve</c>: one owner per data directory that answers every verb for it.</summary>
public sealed class ServeSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string[] Record(string user, string text, int minute) =>
        ["record", "--data-dir", _data.Path, "--user", user, "--session", "s1", "--text", text, "--command", $"nix-env -iA nixpkgs.{text.Split(' ')[^1]}",
            "--outcome", "success", "--at", $"2026-03-02T10:{minute:00}:00Z"];

    [Fact]
    public async Task A_served_data_directory_refuses_a_second_host_naming_serve_and_a_killed_owner_blocks_nobody()
    {
        await using var server = await NixhServer.StartAsync(_data.Path);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(o => (o.DataDirectory, o.Embeddings) = (_data.Path, new EmbedderOptions { Kind = EmbedderKind.NGram }));

        using (var refused = builder.Build())
        {
            var start = async () => await refused.StartAsync();
            var inUse = (await start.Should().ThrowAsync<DataDirectoryInUseException>()).Which;
            inUse.HolderPid.Should().Be(server.Pid);
            inUse.HolderCommand.Should().Contain("nixh.dll serve --data-dir");
        }

        (await NixhProcess.RunAsync(Record("rose", "install vlc", 1))).ExitCode.Should().Be(0);
        await server.KillAsync();

        File.Exists(Path.Combine(_data.Path, "serve", "nixh.sock")).Should().BeTrue("a killed owner cannot remove its socket");
        var afterKill = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", "rose", "--json"));
        afterKill.GetProperty("interactions").GetInt64().Should().Be(1, "nobody listens on the old socket, so the verb runs in its own process");
    }

    [Fact]
    public async Task Serve_stops_on_sigterm_removing_its_socket_and_what_it_acknowledged_is_durable()
    {
        var server = await NixhServer.StartAsync(_data.Path);
        await using (server)
        {
            server.ReadyLine.Should().Contain(Path.Combine(_data.Path, "serve", "nixh.sock"));
            (await NixhProcess.RunAsync(Record("rose", "install vlc", 1))).ExitCode.Should().Be(0);

            var (exitCode, stderr) = await server.StopAsync();

            exitCode.Should().Be(0, stderr);
        }

        File.Exists(Path.Combine(_data.Path, "serve", "nixh.sock")).Should().BeFalse();
        File.Exists(Path.Combine(_data.Path, "owner")).Should().BeFalse("the holder's name goes with the lock");
        var status = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", "rose", "--json"));
        status.GetProperty("interactions").GetInt64().Should().Be(1);
    }

    [Fact]
    public async Task Relative_paths_resolve_against_the_clients_working_directory()
    {
        (await NixhProcess.RunAsync(Record("rose", "install vlc", 1))).ExitCode.Should().Be(0);
        var workingDirectory = Directory.CreateDirectory(Path.Combine(_data.Path, "..", Path.GetFileName(_data.Path) + "-cwd")).FullName;
        try
        {
            await using var server = await NixhServer.StartAsync(_data.Path);

            var exported = NixhProcess.SingleJsonObject(await NixhProcess.RunInAsync(workingDirectory, "export", "--data-dir", _data.Path, "--user", "rose", "--out", "backup", "--json"));
            var charted = await NixhProcess.RunInAsync(workingDirectory, "chart", "--data-dir", _data.Path, "--user", "rose", "--out", "charts", "--json");

            exported.GetProperty("folder").GetString().Should().Be(Path.Combine(workingDirectory, "backup"));
            File.Exists(Path.Combine(workingDirectory, "backup", "manifest.json")).Should().BeTrue();
            charted.ExitCode.Should().Be(0, charted.StdErr);
            Directory.EnumerateFiles(Path.Combine(workingDirectory, "charts")).Should().NotBeEmpty();
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_client_choosing_another_embedder_than_the_owners_is_told_so()
    {
        await using var server = await NixhServer.StartAsync(_data.Path);

        var refused = await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", "rose", "--embedder", "minilm");

        refused.ExitCode.Should().Be(2);
        refused.StdErr.TrimEnd().Should().Be("nixh: embedder: the process serving this data directory uses ngram; stop it, or serve with the embedder wanted");
    }

    [Fact]
    public async Task Twenty_clients_recording_at_once_are_all_acknowledged_and_all_found_after_a_restart()
    {
        var server = await NixhServer.StartAsync(_data.Path);
        NixhProcess.Result[] acknowledged;
        await using (server)
        {
            acknowledged = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => NixhProcess.RunAsync(
                ["record", "--data-dir", _data.Path, "--json", "--user", $"u{i:00}", "--session", "s", "--text", $"install package{i}",
                    "--command", $"nix-env -iA nixpkgs.package{i}", "--outcome", "success"])));
            (await server.StopAsync()).ExitCode.Should().Be(0);
        }

        acknowledged.Should().AllSatisfy(r => NixhProcess.SingleJsonObject(r).GetProperty("sequenceNr").GetInt64().Should().Be(1));
        var stats = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("stats", "--data-dir", _data.Path, "--json"));
        stats.GetProperty("perUser").EnumerateArray().Where(u => u.GetProperty("events").GetInt64() == 1).Select(u => u.GetProperty("userId").GetString()).Should()
            .BeEquivalentTo(Enumerable.Range(0, 20).Select(i => $"u{i:00}"));
    }
}

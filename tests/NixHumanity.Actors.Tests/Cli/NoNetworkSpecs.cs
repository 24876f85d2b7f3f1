using System.Text.Json;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>Privacy: the main job and every verb work with no network at all.</summary>
public sealed class NoNetworkSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();
    // Export folders lie outside the data directory (export refuses a folder inside it).
    private readonly TempDataDirectory _exports = new();

    public void Dispose()
    {
        _data.Dispose();
        _exports.Dispose();
    }

    private async Task<NixhProcess.Result> OfflineAsync(params string[] args)
    {
        var result = await NixhProcess.RunAsync(withoutNetwork: true, [.. args, "--data-dir", _data.Path, "--json"]);
        result.ExitCode.Should().Be(0, $"'nixh {string.Join(' ', args)}' must work offline; stderr: {result.StdErr}");
        return result;
    }

    [NoNetworkFact]
    public async Task The_demo_and_every_verb_run_without_any_network()
    {
        var learningJson = Path.Combine(_data.Path, "learning.json");
        await File.WriteAllTextAsync(learningJson, """
            { "commandHistory": [ { "timestamp": "2026-11-20T10:00:00Z", "input": "install vim", "intent": "install_package", "success": true, "command": "nix-env -iA nixpkgs.vim" } ] }
            """);

        await OfflineAsync("demo");
        await OfflineAsync("record", "--user", "nora", "--session", "s", "--text", "install ripgrep", "--outcome", "success");
        await OfflineAsync("notify", "--user", "nora", "--source", "chat");
        await OfflineAsync("import", learningJson, "--user", "nora");
        var status = await OfflineAsync("status", "--user", "nora");
        await OfflineAsync("chart", "--user", "nora", "--out", Path.Combine(_data.Path, "charts"));
        await OfflineAsync("search", "--user", "nora", "install ripgrep");
        await OfflineAsync("compact", "--user", "nora");
        await OfflineAsync("record-biometrics", "--user", "nora", "--hrv", "0.7", "--attention", "0.8", "--flow-state", "0.6");
        await OfflineAsync("fold", "--user", "nora");
        await OfflineAsync("query", "flow");
        await OfflineAsync("query", "learning", "--user", "nora");
        await OfflineAsync("query", "interruptions", "--user", "nora");
        await OfflineAsync("preferences", "--user", "nora");
        await OfflineAsync("suggest", "--user", "nora");
        await OfflineAsync("stats");
        await OfflineAsync("export", "--user", "nora", "--out", _exports.File("export"));
        await OfflineAsync("forget", "--user", "grandma-rose");

        // The owner serves offline too, and a verb is forwarded to it over its Unix socket.
        await using (var server = await NixhServer.StartAsync(withoutNetwork: true, _data.Path))
        {
            var served = await OfflineAsync("status", "--user", "nora");
            JsonDocument.Parse(served.StdOut).RootElement.GetProperty("interactions").GetInt64().Should().Be(2);
            var (exitCode, ownerLog) = await server.StopAsync();
            exitCode.Should().Be(0, ownerLog);
        }

        JsonDocument.Parse(status.StdOut).RootElement.GetProperty("interactions").GetInt64().Should().Be(2);
        var verbs = new[] { "record", "notify", "status", "import", "demo", "chart", "search", "compact", "record-biometrics", "fold", "query", "preferences", "suggest", "stats", "export", "forget", "serve" };
        NixhProcess.Verbs().Should().BeSubsetOf(verbs, "every verb nixh offers is exercised offline above");
    }
}

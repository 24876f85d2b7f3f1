using System.Diagnostics;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>
/// A verb forwarded to <c>nixh serve</c> is mostly its own process start (issue 14 point 5): the client path must not
/// load the actor system, the journal or the console library, which cost start-up time whether used or not, nor
/// System.Net.Sockets and System.Text.Json, whose start-up was a third of the client's CPU time (ADR 0046).
/// </summary>
public sealed class ForwardedClientSpecs : IDisposable
{
    private static readonly string[] HeavyAssemblyPrefixes =
        ["Akka", "linq2db", "LanguageExt", "Microsoft.Data.Sqlite", "Npgsql", "DuckDB", "Microsoft.ML", "Spectre.Console", "System.CommandLine",
            "Microsoft.Extensions.Hosting", "Microsoft.Extensions.DependencyInjection", "ScottPlot", "SkiaSharp",
            "System.Net.Sockets", "System.Text.Json", "System.Diagnostics.DiagnosticSource"];

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_forwarded_verb_loads_neither_the_actor_system_nor_the_journal_nor_the_console_library_nor_sockets_or_json()
    {
        await using var server = await NixhServer.StartAsync(_data.Path);

        var start = NixhProcess.StartInfo(false, null, ["status", "--data-dir", _data.Path, "--user", "maya", "--json"]);
        start.Environment["NIXH_DEBUG_LOADED_ASSEMBLIES"] = "1";
        using var client = Process.Start(start)!;
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await client.WaitForExitAsync(timeout.Token);

        var result = new NixhProcess.Result(client.ExitCode, await stdout, await stderr);
        NixhProcess.SingleJsonObject(result).GetProperty("userId").GetString().Should().Be("maya");
        var loaded = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("nixh: loaded ", StringComparison.Ordinal))
            .Select(line => line["nixh: loaded ".Length..])
            .ToList();
        loaded.Should().Contain("nixh", "the list is printed only by a verb that was forwarded");
        loaded.Should().NotContain(name => HeavyAssemblyPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)));
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>Runs the real <c>nixh</c> program (built next to the tests) as a separate process.</summary>
public static class NixhProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>The one JSON object a successful <c>--json</c> run prints; fails the test otherwise.</summary>
    public static JsonElement SingleJsonObject(Result result)
    {
        result.ExitCode.Should().Be(0, result.StdErr);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle("--json prints one JSON object and nothing else on stdout");
        return JsonDocument.Parse(lines[0]).RootElement;
    }

    /// <summary>The verbs <c>nixh --help</c> lists.</summary>
    public static IReadOnlyList<string> Verbs()
    {
        var help = RunAsync("--help").GetAwaiter().GetResult().StdOut;
        return help.Split('\n')
            .SkipWhile(line => !line.StartsWith("Commands:", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(line => line.StartsWith("  ", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(' ')[0])
            .Where(verb => verb.Length > 0)
            .ToList();
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(withoutNetwork: false, args);

    /// <summary>
    /// Runs nixh; with <paramref name="withoutNetwork"/> inside a new network namespace (<c>unshare -n</c>) that has no
    /// interface at all, not even an active loopback, so any attempt to reach the network fails.
    /// </summary>
    public static Task<Result> RunAsync(bool withoutNetwork, params string[] args) => RunAsync(withoutNetwork, null, args);

    /// <summary>Runs nixh in <paramref name="workingDirectory"/> (relative paths resolve against it).</summary>
    public static Task<Result> RunInAsync(string workingDirectory, params string[] args) => RunAsync(false, workingDirectory, args);

    private static async Task<Result> RunAsync(bool withoutNetwork, string? workingDirectory, string[] args)
    {
        using var process = Process.Start(StartInfo(withoutNetwork, workingDirectory, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>How nixh is started by the specs: the built <c>nixh.dll</c>, never the real data directory, n-grams.</summary>
    public static ProcessStartInfo StartInfo(bool withoutNetwork, string? workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(withoutNetwork ? "unshare" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        if (withoutNetwork)
        {
            start.ArgumentList.Add("--net");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nixh.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The tests must not read or write the developer's real data directory.
        start.Environment["NIXH_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "nixh-tests", "must-not-be-used");
        // CLI specs need some embedder, not the model: the fast n-grams unless a spec passes --embedder.
        start.Environment["NIXH_EMBEDDER"] = "ngram";
        // Nor a journal server named in the developer's environment (a spec that wants one sets it after this).
        start.Environment.Remove("NIXH_JOURNAL_CONNECTION");
        return start;
    }
}

using System.Diagnostics;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>Runs the real <c>nixh</c> program (built next to the tests) as a separate process.</summary>
public static class NixhProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nixh.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The tests must not read or write the developer's real data directory.
        start.Environment["NIXH_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "nixh-tests", "must-not-be-used");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}

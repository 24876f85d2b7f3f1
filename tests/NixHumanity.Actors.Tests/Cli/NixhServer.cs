using System.Diagnostics;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>A real <c>nixh serve</c> process on a data directory, ready once it printed its first line.</summary>
public sealed class NixhServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private NixhServer(Process process, string readyLine)
    {
        _process = process;
        ReadyLine = readyLine;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>What serve printed when it started listening.</summary>
    public string ReadyLine { get; }

    public int Pid => _process.Id;

    public static Task<NixhServer> StartAsync(string dataDirectory, params string[] extra) => StartAsync(false, dataDirectory, extra);

    /// <summary>Starts <c>nixh serve</c>, without any network when <paramref name="withoutNetwork"/>, and waits for its ready line.</summary>
    public static async Task<NixhServer> StartAsync(bool withoutNetwork, string dataDirectory, params string[] extra)
    {
        var process = Process.Start(NixhProcess.StartInfo(withoutNetwork, null, ["serve", "--data-dir", dataDirectory, .. extra]))!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ready = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (ready is null)
        {
            await process.WaitForExitAsync(timeout.Token);
            throw new InvalidOperationException($"nixh serve exited {process.ExitCode}: {await process.StandardError.ReadToEndAsync(timeout.Token)}");
        }

        return new NixhServer(process, ready);
    }

    /// <summary>Sends SIGTERM and waits for the exit; returns its exit code and what it wrote on stderr.</summary>
    public async Task<(int ExitCode, string StdErr)> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync(timeout.Token);
        return (_process.ExitCode, await _stderr);
    }

    /// <summary>SIGKILL: no chance to clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}

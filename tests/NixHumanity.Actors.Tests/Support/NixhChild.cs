using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// A running <c>nixh</c> process (built next to the tests) that a spec can talk to while it runs: read its stderr line
/// by line, send it signals, bound its managed heap, and wait for its exit.
/// </summary>
public sealed class NixhChild : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;

    private NixhChild(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Starts nixh with <paramref name="args"/>, with the environment the CLI specs use (a data directory that must
    /// not be used, the n-gram embedder) plus <paramref name="environment"/>.
    /// </summary>
    public static NixhChild Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nixh.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NIXH_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "nixh-tests", "must-not-be-used");
        start.Environment["NIXH_EMBEDDER"] = "ngram";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var child = new NixhChild(Process.Start(start)!);
        // Nothing is ever typed at nixh: a verb that read stdin would see its end at once, not wait for a person.
        child._process.StandardInput.Close();
        return child;
    }

    /// <summary>The environment variable that caps the .NET heap of the child (hexadecimal bytes): going past it is
    /// an out-of-memory failure, so a run that stays within it used at most that much managed memory.</summary>
    public static KeyValuePair<string, string> HeapLimit(long bytes) => new("DOTNET_GCHeapHardLimit", bytes.ToString("X"));

    /// <summary>The next line nixh writes on stderr, or null at its end.</summary>
    public Task<string?> ReadErrorLineAsync() => _process.StandardError.ReadLineAsync();

    /// <summary>Sends <paramref name="signal"/> (SIGINT or SIGTERM) to the process.</summary>
    public void Signal(PosixSignal signal)
    {
        var number = signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "only SIGINT and SIGTERM"),
        };
        if (Kill(_process.Id, number) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {number}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>
    /// Waits for the process to end, at most <paramref name="budget"/> (a generous bound that only a hang reaches;
    /// the process is killed then and the spec fails), and returns its exit code with what it printed from now on.
    /// </summary>
    public async Task<(int ExitCode, string StdOut, string StdErr)> ExitAsync(TimeSpan budget)
    {
        var stderr = _process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(budget);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nixh did not end within {budget}");
        }

        return (_process.ExitCode, await _stdout, await stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

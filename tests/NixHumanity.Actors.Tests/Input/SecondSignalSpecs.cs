using System.Runtime.InteropServices;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Input;

/// <summary>
/// Ctrl-C and SIGTERM on a verb that is blocked: the first signal starts a clean stop (and says so), a second one
/// ends the process at once with the signal's exit code and one line, never an unhandled exception (rc 134).
/// </summary>
public sealed class SecondSignalSpecs : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData(PosixSignal.SIGTERM, 143)]
    [InlineData(PosixSignal.SIGINT, 130)]
    public async Task A_second_signal_while_a_verb_is_blocked_ends_the_process_at_once_with_one_line(PosixSignal signal, int exitCode)
    {
        // The memory actor opens its DuckDB store when the user's tree starts; a search waits for it. A FIFO planted as
        // the store blocks DuckDB's read (a store is the data directory's own, not a file handed in, so it is opened as
        // found; handed-in files and the cached preferences.json are refused when they are not regular files).
        (await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "rose", "--session", "s", "--text", "install vlc"))
            .ExitCode.Should().Be(0);
        var fifo = Path.Combine(_data.Path, "users", "rose", "memory", "memory.duckdb");

        // The record's own process may have ended before its memory applied the event (stores open lazily); a person
        // with events gets the real store folder at start, so the planted FIFO is what the search opens either way.
        Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
        foreach (var store in Directory.GetFiles(Path.GetDirectoryName(fifo)!, "memory.duckdb*"))
        {
            File.Delete(store);
        }

        MakeFifo(fifo).Should().Be(0, "mkfifo must succeed under the test's temp folder");

        using var nixh = NixhChild.Start(null, "search", "vlc", "--embedder", "ngram", "--data-dir", _data.Path, "--user", "rose", "--json");
        // Opening a FIFO for writing returns once nixh has opened it: from then on nixh is blocked in its read.
        await using var heldOpen = await Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write)).WaitAsync(Budget);

        nixh.Signal(signal);
        (await FirstLineStartingWith(nixh, "nixh: interrupted")).Should()
            .Be("nixh: interrupted: stopping cleanly (a second Ctrl-C or SIGTERM ends at once)");
        nixh.Signal(signal);
        var (code, stdout, stderr) = await nixh.ExitAsync(Budget);

        code.Should().Be(exitCode);
        stdout.Should().BeEmpty();
        // The clean stop the first signal began may log a component's failure before the second signal cuts it short
        // (seen under load); what the person reads last is the one line, and nothing is a stack trace.
        stderr.TrimEnd().Split('\n')[^1].Should().Be("nixh: interrupted again: ended without a clean stop", stderr);
        stderr.Should().NotContain("   at ", stderr);
        heldOpen.CanWrite.Should().BeTrue("the process ended while its read was still blocked, not after a clean stop");
    }

    private static async Task<string?> FirstLineStartingWith(NixhChild nixh, string prefix)
    {
        while (await nixh.ReadErrorLineAsync().WaitAsync(Budget) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode = 0b110_000_000);
}

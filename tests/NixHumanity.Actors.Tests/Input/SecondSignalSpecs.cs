using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
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
        // Another program holds the journal (an sqlite3 shell inside an exclusive transaction, a backup tool): nixh
        // waits in SQLite's busy handler when it opens the journal, up to its busy timeout (30 s). Store files that
        // are no regular files (a planted FIFO) are refused before any open, so a lock is the honest way to block.
        (await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "rose", "--session", "s", "--text", "install vlc"))
            .ExitCode.Should().Be(0);
        var journal = Path.Combine(_data.Path, "journal", "journal.db");
        await using var holder = new SqliteConnection($"Data Source={journal};Pooling=False");
        holder.Open();
        using (var take = holder.CreateCommand())
        {
            take.CommandText = "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;";
            take.ExecuteNonQuery();
        }

        using var nixh = NixhChild.Start(null, "search", "vlc", "--embedder", "ngram", "--data-dir", _data.Path, "--user", "rose", "--json");
        // Once nixh has the journal open it is waiting for the lock.
        await Eventually.HoldsAsync(() => OpenFiles(nixh.Id).Should().Contain(journal), Budget);

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
        stderr.Should().NotContain("locked", "the process ended while it still waited for the lock, not after its wait ran out");
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

    /// <summary>The files process <paramref name="pid"/> has open (none once it has ended).</summary>
    private static IReadOnlyList<string> OpenFiles(int pid)
    {
        try
        {
            return Directory.GetFiles($"/proc/{pid}/fd")
                .Select(fd => new FileInfo(fd).LinkTarget)
                .OfType<string>()
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A descriptor closed while being listed: the next look sees the rest.
            return [];
        }
    }
}

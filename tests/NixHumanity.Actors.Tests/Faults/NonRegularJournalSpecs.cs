using System.Runtime.InteropServices;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Faults;

/// <summary>
/// A pipe (FIFO) planted where the journal or its write-ahead log should be: SQLite would block in its read for ever.
/// The file is never opened; the verb ends with one line naming it.
/// </summary>
public sealed class NonRegularJournalSpecs : IDisposable
{
    /// <summary>A bound only a hang reaches (the child is killed then and the spec fails).</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("journal.db")]
    [InlineData("journal.db-wal")]
    public async Task A_pipe_in_place_of_a_journal_file_is_refused_with_one_line_naming_it(string file)
    {
        (await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "rose", "--session", "s", "--text", "install vlc"))
            .ExitCode.Should().Be(0);
        var journal = Path.Combine(_data.Path, "journal");
        foreach (var leftover in new[] { "journal.db-wal", "journal.db-shm", file }.Select(f => Path.Combine(journal, f)))
        {
            File.Delete(leftover);
        }

        var fifo = Path.Combine(journal, file);
        MakeFifo(fifo).Should().Be(0, "mkfifo must succeed under the test's temp folder");

        using var nixh = NixhChild.Start(null, "status", "--data-dir", _data.Path, "--user", "rose", "--json");
        var (code, stdout, stderr) = await nixh.ExitAsync(Budget);

        code.Should().NotBe(0, stderr);
        stdout.Should().BeEmpty();
        stderr.TrimEnd('\n').Should().Be($"nixh: {fifo}: unreadable store (a pipe (FIFO), not a journal file; move it away)");
        File.Exists(fifo).Should().BeTrue("the planted file is left for the person to look at");
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode = 0b110_000_000);
}

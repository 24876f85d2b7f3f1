using System.Text.Json;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Faults;

/// <summary>
/// An operator restores the journal from an older copy between <c>nixh</c> processes (issue 12): with the copy back,
/// the person keeps recording (each <c>record</c> starts only the session) and then searches. The new interactions
/// are found, the ones the copy never held are not, and <c>stats</c> reports the loss for both projections.
/// </summary>
public sealed class JournalRestoredProcessSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly TempDataDirectory _backup = new();

    public void Dispose()
    {
        _data.Dispose();
        _backup.Dispose();
    }

    [Fact]
    public async Task Records_made_after_restoring_an_older_journal_copy_are_searchable_and_the_loss_is_reported()
    {
        await RecordAsync("install firefox", "enable bluetooth", "update the system");
        await ProjectionsFollowAsync();
        var journal = new DataDirectory(_data.Path).JournalDatabase;
        var backup = Path.Combine(_backup.Path, "journal.db");
        JournalFile.Copy(journal, backup);

        await RecordAsync("configure the printer", "mount the usb drive", "open steam");
        (await SearchAsync("configure the printer")).Should().Be("cmd configure the printer");
        await ProjectionsFollowAsync();

        JournalFile.Copy(backup, journal);
        // More records than were lost, so the journal reaches the projections' checkpoint again (flow events included).
        await RecordAsync("start docker", "play some music", "check the disk space", "show the weather", "open a terminal");

        (await SearchAsync("start docker")).Should().Be("cmd start docker", "a record made after the restore reaches search");
        (await SearchAsync("show the weather")).Should().Be("cmd show the weather");
        var printer = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("search", "configure the printer", "--user", "ann", "--limit", "10", "--data-dir", _data.Path, "--json"));
        printer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("command").GetString())
            .Should().NotContain("cmd configure the printer", "that interaction is gone from the restored journal");
        await ProjectionsFollowAsync();

        var stats = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("stats", "--data-dir", _data.Path, "--json"));
        var losses = stats.GetProperty("journalLosses").EnumerateArray().ToList();
        losses.Select(l => l.GetProperty("component").GetString()).Should().BeEquivalentTo(["memory", "learner"]);
        losses.Should().OnlyContain(l => l.GetProperty("reason").GetString() == "journal-diverged" && l.GetProperty("userId").GetString() == "ann");
    }

    private async Task RecordAsync(params string[] texts)
    {
        foreach (var text in texts)
        {
            var result = await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "ann", "--session", "s", "--text", text, "--command", "cmd " + text, "--json");
            result.ExitCode.Should().Be(0, result.StdErr);
        }
    }

    /// <summary>The command of the best result for <paramref name="text"/>.</summary>
    private async Task<string?> SearchAsync(string text)
    {
        var found = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("search", text, "--user", "ann", "--data-dir", _data.Path, "--json"));
        return found.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("command").GetString()).FirstOrDefault();
    }

    /// <summary>Starts the learner (a query) so that it has applied everything the journal holds now.</summary>
    private async Task ProjectionsFollowAsync()
    {
        var result = await NixhProcess.RunAsync("query", "learning", "--user", "ann", "--data-dir", _data.Path, "--json");
        result.ExitCode.Should().Be(0, result.StdErr);
        JsonDocument.Parse(result.StdOut).RootElement.GetProperty("query").GetString().Should().Be("learning");
    }
}

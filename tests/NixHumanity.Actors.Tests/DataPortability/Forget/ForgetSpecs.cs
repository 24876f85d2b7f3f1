using System.Text.Json;
using System.Text;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.DataPortability.Forget;

public sealed class ForgetSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly TempDataDirectory _export = new();

    public void Dispose()
    {
        _data.Dispose();
        _export.Dispose();
    }

    /// <summary>Every file under the data directory whose bytes contain <paramref name="marker"/> (UTF-8 or UTF-16).</summary>
    private List<string> FilesContaining(string marker)
    {
        var patterns = new[] { Encoding.UTF8.GetBytes(marker), Encoding.Unicode.GetBytes(marker) };
        return Directory.GetFiles(_data.Path, "*", SearchOption.AllDirectories)
            .Where(file => patterns.Any(p => File.ReadAllBytes(file).AsSpan().IndexOf(p) >= 0))
            .ToList();
    }

    [Fact]
    public async Task Forget_deletes_the_persons_charts_and_not_those_of_an_id_that_ends_like_theirs()
    {
        var charts = Directory.CreateDirectory(_data.File("charts")).FullName;
        foreach (var name in new[] { "flow-timeline-maya.png", "learning-curve-maya.png", "flow-timeline-anna-maya.png", "learning-curve-anna-maya.png", "notes-maya.png" })
        {
            await File.WriteAllBytesAsync(Path.Combine(charts, name), [1, 2, 3]);
        }

        var journal = new JournalLocation(JournalProvider.Sqlite, $"Data Source={_data.File("journal.db")}");
        var report = await UserEraser.EraseAsync(journal, new DataDirectory(_data.Path), "maya");

        Directory.GetFiles(charts).Select(Path.GetFileName).Should().BeEquivalentTo(
            ["flow-timeline-anna-maya.png", "learning-curve-anna-maya.png", "notes-maya.png"],
            "forget deletes exactly the chart names written for 'maya'; ids may contain '-', so a suffix match would erase 'anna-maya'");
        report.Stores.Should().Contain(["chart flow-timeline-maya.png deleted", "chart learning-curve-maya.png deleted"]);
    }

    [Fact]
    public async Task Forget_removes_every_byte_of_the_user_and_leaves_other_users_untouched()
    {
        var marker = $"zqx-marker-{Guid.NewGuid():N}";
        SessionStatus otherBefore;
        await using (var tree = ActorTree.Start(_data.Path, o => o.SnapshotInterval = 5))
        {
            for (var i = 0; i < 12; i++)
            {
                await tree.RecordAsync("rose", $"please install {marker} number {i}", command: $"nix-env -iA nixpkgs.{marker}");
                await tree.RecordAsync("sarah", $"query my history {i}");
            }

            await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("rose", $"{marker}-source"));
            otherBefore = await tree.StatusAsync("sarah");
        }

        var chart = await NixhProcess.RunAsync("chart", "--data-dir", _data.Path, "--user", "rose", "--out", Path.Combine(_data.Path, "charts"));
        chart.ExitCode.Should().Be(0, chart.StdErr);
        var search = await NixhProcess.RunAsync("search", "--data-dir", _data.Path, "--json", "--user", "rose", $"install {marker}");
        search.StdOut.Should().Contain(marker, "the memory store holds the marker before the forget");
        foreach (var verb in new[] { new[] { "fold", "--user", "rose" }, new[] { "query", "learning", "--user", "rose" }, new[] { "preferences", "--user", "rose" } })
        {
            var touched = await NixhProcess.RunAsync([.. verb, "--data-dir", _data.Path]);
            touched.ExitCode.Should().Be(0, $"nixh {string.Join(' ', verb)}: {touched.StdErr}");
        }

        var export = await NixhProcess.RunAsync("export", "--data-dir", _data.Path, "--user", "rose", "--out", _export.Path);
        export.ExitCode.Should().Be(0, export.StdErr);
        FilesContaining(marker).Should().NotBeEmpty("the marker was written before the forget");

        var forget = await NixhProcess.RunAsync("forget", "--data-dir", _data.Path, "--json", "--user", "rose");

        forget.ExitCode.Should().Be(0, forget.StdErr);
        var report = JsonDocument.Parse(forget.StdOut).RootElement;
        report.GetProperty("journalEvents").GetInt64().Should().BeGreaterThanOrEqualTo(13);
        report.GetProperty("snapshots").GetInt64().Should().BeGreaterThanOrEqualTo(1);
        FilesContaining(marker).Should().BeEmpty("no byte of any file under the data dir may hold the forgotten user's text");
        Directory.Exists(Path.Combine(_data.Path, "users", "rose")).Should().BeFalse();
        await using var after = ActorTree.Start(_data.Path);
        (await after.StatusAsync("sarah")).Should().BeEquivalentTo(otherBefore);
        (await after.StatusAsync("rose")).Interactions.Should().Be(0, "a forgotten user starts empty");
        (await after.JournalEventsAsync("sarah")).Should().HaveCount((int)otherBefore.SequenceNr);
    }

    [Fact]
    public async Task Forgetting_a_running_user_stops_the_tree_first_and_later_messages_start_an_empty_one()
    {
        await using var tree = ActorTree.Start(_data.Path);
        await tree.RecordAsync("maya", "install ripgrep");

        var forgetting = tree.AskDirectoryAsync(new ForgetUser("maya"), TimeSpan.FromSeconds(60));
        var statusDuringForget = tree.StatusAsync("maya");
        var reply = await forgetting;

        reply.Should().BeOfType<UserForgotten>().Which.Report.JournalEvents.Should().Be(1);
        (await statusDuringForget).Interactions.Should().Be(0, "a message arriving during the forget waits and meets an empty tree");
        (await tree.RecordAsync("maya", "a new beginning")).SequenceNr.Should().Be(1);
    }

    [Fact]
    public async Task After_a_forget_the_persons_new_stores_are_built_quietly_in_the_new_generation()
    {
        async Task<NixhProcess.Result> Nixh(params string[] args)
        {
            var result = await NixhProcess.RunAsync([.. args, "--data-dir", _data.Path]);
            result.ExitCode.Should().Be(0, result.StdErr);
            return result;
        }

        await Nixh("record", "--user", "maya", "--session", "s", "--text", "install ripgrep", "--command", "rg");
        await Nixh("search", "--user", "maya", "ripgrep");
        await Nixh("forget", "--user", "maya");
        await Nixh("record", "--user", "maya", "--session", "s", "--text", "install firefox", "--command", "firefox");

        // Forget deleted users/maya/, so the memory and the learner built now start from empty folders: nothing of the
        // forgotten generation is in them. Each used to be taken for an old copy, deleted and rebuilt with a warning
        // on stderr, which broke the promise of an empty stderr on success.
        var search = await Nixh("search", "--user", "maya", "--json", "firefox");
        var status = await Nixh("status", "--user", "maya", "--json");

        search.StdErr.Should().BeEmpty();
        status.StdErr.Should().BeEmpty();
        JsonDocument.Parse(search.StdOut).RootElement.GetProperty("results")[0].GetProperty("command").GetString().Should().Be("firefox");
        JsonDocument.Parse(status.StdOut).RootElement.GetProperty("interactions").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task An_invalid_user_id_is_rejected()
    {
        await using var tree = ActorTree.Start(_data.Path);

        var reply = await tree.AskDirectoryAsync(new ForgetUser("../etc"));

        reply.Should().Be(new CommandRejected("userId", "must match [A-Za-z0-9_-]{1,64}"));
    }
}

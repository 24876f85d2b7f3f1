using FluentAssertions.Execution;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Input;

/// <summary>
/// Reading a user nothing is held about answers as for a user without history and creates
/// nothing; a refused write creates no data directory, journal or store.
/// </summary>
public sealed class UnknownUserSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Read_verbs_on_an_unknown_user_answer_empty_and_leave_the_data_directory_as_it_was()
    {
        var dataDir = await DataDirectoryOfRoseAsync();
        var before = DataDirectorySnapshot.Of(dataDir);
        var results = new Dictionary<string, NixhProcess.Result>();
        foreach (var verb in new[] { "status", "search|vlc", "query|flow", "preferences", "suggest", "chart|--out|" + _data.File("charts") })
        {
            var words = verb.Split('|');
            results[words[0]] = await NixhProcess.RunAsync([words[0], .. words[1..], "--data-dir", dataDir, "--user", "ghost", "--json"]);
        }

        var stats = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("stats", "--data-dir", dataDir, "--json"));

        using (new AssertionScope())
        {
            NixhProcess.SingleJsonObject(results["status"]).GetProperty("interactions").GetInt64().Should().Be(0);
            NixhProcess.SingleJsonObject(results["search"]).GetProperty("results").GetArrayLength().Should().Be(0);
            NixhProcess.SingleJsonObject(results["query"]).GetProperty("rows").GetArrayLength().Should().Be(0);
            NixhProcess.SingleJsonObject(results["preferences"]).GetProperty("cells").GetArrayLength().Should().Be(0);
            NixhProcess.SingleJsonObject(results["suggest"]).GetProperty("next").GetArrayLength().Should().Be(0);
            results["chart"].ExitCode.Should().Be(2);
            results["chart"].StdErr.TrimEnd().Should().Be("nixh: user: 'ghost' has no live interactions to chart");
            stats.GetProperty("users").GetInt32().Should().Be(1, "the unknown user is not counted");
            DataDirectorySnapshot.Of(dataDir).Should().Equal(before);
        }
    }

    [Fact]
    public async Task A_read_verb_on_a_new_data_directory_creates_no_folder_or_store_for_the_user()
    {
        var fresh = _data.File("fresh");

        var status = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--data-dir", fresh, "--user", "rose", "--json"));

        status.GetProperty("interactions").GetInt64().Should().Be(0);
        Directory.Exists(Path.Combine(fresh, "users")).Should().BeFalse();
    }

    [Theory]
    [InlineData("record", "--session", "s", "--text", "", "text: must not be empty")]
    [InlineData("record", "--session", "s", "--text", "ls", "flowScore: must be between 0 and 1", "--flow-score", "2")]
    [InlineData("record", "--session", "../s", "--text", "ls", "sessionId: must match [A-Za-z0-9_-]{1,64}")]
    [InlineData("notify", "--source", " ", "--at", "2026-01-01T00:00:00Z", "source: must not be empty")]
    public async Task A_refused_write_creates_no_data_directory_and_no_store_for_a_new_user(string verb, string option1, string value1, string option2, string value2, string message, params string[] more)
    {
        var missing = _data.File("never-created");
        var dataDir = await DataDirectoryOfRoseAsync();
        var before = DataDirectorySnapshot.Of(dataDir);
        string[] args = [verb, option1, value1, option2, value2, .. more, "--user", "newcomer"];

        var intoNothing = await NixhProcess.RunAsync([.. args, "--data-dir", missing]);
        var intoExisting = await NixhProcess.RunAsync([.. args, "--data-dir", dataDir]);

        intoNothing.ExitCode.Should().Be(2);
        intoNothing.StdErr.TrimEnd().Should().Be($"nixh: {message}");
        Directory.Exists(missing).Should().BeFalse();
        intoExisting.ExitCode.Should().Be(2);
        intoExisting.StdErr.TrimEnd().Should().Be($"nixh: {message}");
        DataDirectorySnapshot.Of(dataDir).Should().Equal(before);
    }

    /// <summary>A data directory holding one interaction of rose, read once so SQLite has checkpointed its log.</summary>
    private async Task<string> DataDirectoryOfRoseAsync()
    {
        var dataDir = _data.File("data");
        (await NixhProcess.RunAsync("record", "--data-dir", dataDir, "--user", "rose", "--session", "s", "--text", "install vlc")).ExitCode.Should().Be(0);
        (await NixhProcess.RunAsync("status", "--data-dir", dataDir, "--user", "rose")).ExitCode.Should().Be(0);
        return dataDir;
    }
}

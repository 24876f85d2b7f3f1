using System.Globalization;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>The learner's verbs through the real <c>nixh</c> process.</summary>
public sealed class LearningCliSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private Task<NixhProcess.Result> Nixh(params string[] args) => NixhProcess.RunAsync([.. args, "--data-dir", _data.Path]);

    private Task<NixhProcess.Result> Record(string user, string command, string outcome, double flow, double hrv, DateTimeOffset at) =>
        Nixh("record", "--json", "--user", user, "--session", "dev", "--text", $"please {command}", "--command", command,
            "--outcome", outcome, "--flow-score", flow.ToString(CultureInfo.InvariantCulture), "--hrv", hrv.ToString(CultureInfo.InvariantCulture),
            "--at", at.ToString("O"));

    [Fact]
    public async Task Query_fold_preferences_and_suggest_print_one_json_object_with_the_expected_values()
    {
        var t = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2).AddHours(9), TimeSpan.Zero);
        NixhProcess.SingleJsonObject(await Record("kim", "git pull", "success", 0.9, 0.4, t));
        NixhProcess.SingleJsonObject(await Record("kim", "nix develop", "success", 0.9, 0.7, t.AddSeconds(60)));
        NixhProcess.SingleJsonObject(await Record("kim", "git pull", "failure", 0.9, 0.5, t.AddSeconds(120)));
        NixhProcess.SingleJsonObject(await Record("lee", "htop", "success", 0.8, 0.3, t));

        var flow = NixhProcess.SingleJsonObject(await Nixh("query", "flow", "--json"));
        var learning = NixhProcess.SingleJsonObject(await Nixh("query", "learning", "--user", "kim", "--json"));
        var fold = NixhProcess.SingleJsonObject(await Nixh("fold", "--user", "kim", "--json"));
        var foldAgain = NixhProcess.SingleJsonObject(await Nixh("fold", "--user", "kim", "--json"));
        var prefs = NixhProcess.SingleJsonObject(await Nixh("preferences", "--user", "kim", "--features", "385..386", "--json"));
        var suggest = NixhProcess.SingleJsonObject(await Nixh("suggest", "--user", "kim", "--json"));
        var status = NixhProcess.SingleJsonObject(await Nixh("status", "--user", "kim", "--json"));

        flow.GetProperty("query").GetString().Should().Be("flow");
        var rows = flow.GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("user_id").GetString()).Should().Equal("kim", "lee");
        rows[0].GetProperty("avg_flow_duration").GetDouble().Should().BeApproximately(120, 1e-6, "three flow interactions over two minutes in one session");
        // One flow session: its average coherence (0.4 + 0.7 + 0.5) / 3 is the peak.
        rows[0].GetProperty("peak_coherence").GetDouble().Should().BeApproximately((0.4 + 0.7 + 0.5) / 3, 1e-12);
        rows[1].GetProperty("avg_flow_duration").GetDouble().Should().Be(0);
        rows[1].GetProperty("peak_coherence").GetDouble().Should().Be(0.3);

        var week = learning.GetProperty("rows").EnumerateArray().Single();
        DateTimeOffset.Parse(week.GetProperty("week").GetString()!, CultureInfo.InvariantCulture).Should().Be(AnalyticsFixture.MondayOf(t));
        week.GetProperty("mastery").GetDouble().Should().BeApproximately((1 + 1 + 0.5) / 3, 1e-9, "running success rates 1, 1 and 1/2");

        fold.GetProperty("written").GetBoolean().Should().BeTrue();
        fold.GetProperty("interactions").GetInt64().Should().Be(3);
        foldAgain.GetProperty("written").GetBoolean().Should().BeFalse();

        var cells = prefs.GetProperty("cells").EnumerateArray().ToList();
        cells.Select(c => c.GetProperty("name").GetString()).Should().Equal("success_rate", "flow_share");
        cells[0].GetProperty("value").GetDouble().Should().BeApproximately(2.0 / 3, 1e-6);
        cells[1].GetProperty("value").GetDouble().Should().Be(1);

        suggest.GetProperty("afterCommand").GetString().Should().Be("git pull");
        var next = suggest.GetProperty("next").EnumerateArray().Single();
        next.GetProperty("command").GetString().Should().Be("nix develop");
        next.GetProperty("probability").GetDouble().Should().Be(1);
        status.GetProperty("likelyNext").EnumerateArray().Single().GetProperty("command").GetString().Should().Be("nix develop");
    }

    [Theory]
    [InlineData("nixh: query: must be one of flow, learning, interruptions (was 'bogus')", "query", "bogus", "--user", "mo")]
    [InlineData("nixh: features: must be a range A..B with 0 <= A <= B <= 767 (was 0..900)", "preferences", "--user", "mo", "--features", "0..900")]
    [InlineData("nixh: asOf: must be an ISO-8601 time with an offset or Z, e.g. 2026-03-02T10:00:00Z (was 'last week')", "preferences", "--user", "mo", "--as-of", "last week")]
    [InlineData("nixh: samples[0].flowState: must be a finite number between 0 and 1 (was NaN)", "record-biometrics", "--user", "mo", "--hrv", "0.5", "--attention", "0.5", "--flow-state", "NaN")]
    [InlineData("nixh: samples[0].hrv: must be a finite number between 0 and 1 (was 1.5)", "record-biometrics", "--user", "mo", "--hrv", "1.5", "--attention", "0.5", "--flow-state", "0.5")]
    [InlineData("nixh: file: must be a regular file (not a pipe, device or socket): /dev/zero", "record-biometrics", "--user", "mo", "--file", "/dev/zero")]
    [InlineData("nixh: file: is a directory, not a file: /tmp", "record-biometrics", "--user", "mo", "--file", "/tmp")]
    [InlineData("nixh: samples[0].timestamp: must not be before 2000-01-01", "record-biometrics", "--user", "mo", "--hrv", "0.5", "--attention", "0.5", "--flow-state", "0.5", "--at", "1999-12-31T23:00:00Z")]
    [InlineData("nixh: samples[0].timestamp: must not be more than one day in the future", "record-biometrics", "--user", "mo", "--hrv", "0.5", "--attention", "0.5", "--flow-state", "0.5", "--at", "2099-01-01T00:00:00Z")]
    [InlineData("nixh: at: must be an ISO-8601 time with an offset or Z, e.g. 2026-03-02T10:00:00Z (was 'May 5 2020 3pm')", "record-biometrics", "--user", "mo", "--hrv", "0.5", "--attention", "0.5", "--flow-state", "0.5", "--at", "May 5 2020 3pm")]
    public async Task Bad_input_exits_2_with_one_line_naming_field_and_rule_and_persists_nothing(string message, params string[] args)
    {
        var result = await Nixh([.. args, "--json"]);

        result.ExitCode.Should().Be(2);
        result.StdOut.Should().BeEmpty();
        result.StdErr.Trim().Should().Be(message);
        var learner = Path.Combine(_data.Path, "users", "mo", "learner");
        if (Directory.Exists(learner))
        {
            using var store = AnalyticsStore.Open(learner);
            store.TableCounts().Values.Should().OnlyContain(count => count == 0);
        }
    }

    [Fact]
    public async Task A_biometrics_csv_line_longer_than_the_cap_is_refused_without_reading_the_rest()
    {
        var path = Path.Combine(_data.Path, "one-line.csv");
        await File.WriteAllTextAsync(path, "timestamp,hrv,attention,flow_state\n" + new string('9', 100_000));

        var result = await Nixh("record-biometrics", "--user", "mo", "--file", path);

        result.ExitCode.Should().Be(2);
        result.StdErr.Trim().Should().Be("nixh: file: line 2 must be at most 256 characters");
    }

    [Fact]
    public async Task Biometrics_from_a_csv_file_are_stored_all_or_nothing()
    {
        var good = Path.Combine(_data.Path, "good.csv");
        var bad = Path.Combine(_data.Path, "bad.csv");
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        await File.WriteAllLinesAsync(good, ["timestamp,hrv,attention,flow_state", $"{at:O},0.5,0.6,0.7", $"{at.AddSeconds(1):O},0.4,0.5,0.6"]);
        await File.WriteAllLinesAsync(bad, ["timestamp,hrv,attention,flow_state", $"{at.AddSeconds(2):O},0.5,0.6,0.7", $"{at.AddSeconds(3):O},0.4,NaN,0.6"]);

        var stored = NixhProcess.SingleJsonObject(await Nixh("record-biometrics", "--user", "ned", "--file", good, "--json"));
        var rejected = await Nixh("record-biometrics", "--user", "ned", "--file", bad, "--json");

        stored.GetProperty("recorded").GetInt32().Should().Be(2);
        rejected.ExitCode.Should().Be(2);
        rejected.StdErr.Should().StartWith("nixh: samples[1].attentionScore:");
        using var store = AnalyticsStore.Open(Path.Combine(_data.Path, "users", "ned", "learner"));
        store.TableCounts()["biometrics"].Should().Be(2);
    }
}

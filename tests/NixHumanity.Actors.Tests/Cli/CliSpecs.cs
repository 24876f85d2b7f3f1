using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cli;

public sealed class CliSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task What_record_acknowledged_is_visible_to_status_from_a_new_process()
    {
        var recorded = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync(
            "record", "--data-dir", _data.Path, "--json", "--user", "rose", "--session", "morning",
            "--text", "install firefox please", "--command", "nix-env -iA nixpkgs.firefox", "--outcome", "success",
            "--flow-score", "0.4", "--hrv", "0.6", "--at", DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O")));
        var notified = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync(
            "notify", "--data-dir", _data.Path, "--json", "--user", "rose", "--source", "system-update"));
        var status = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--user", "rose", "--data-dir", _data.Path, "--json"));

        recorded.GetProperty("id").GetString().Should().NotBeNullOrEmpty();
        recorded.GetProperty("sequenceNr").GetInt64().Should().Be(1);
        notified.GetProperty("delivered").GetBoolean().Should().BeTrue();
        notified.GetProperty("deferred").GetBoolean().Should().BeFalse();
        status.GetProperty("userId").GetString().Should().Be("rose");
        status.GetProperty("interactions").GetInt64().Should().Be(1);
        status.GetProperty("notifications").GetInt64().Should().Be(1);
        status.GetProperty("inFlow").GetBoolean().Should().BeFalse();
        status.GetProperty("flowScore").GetDouble().Should().BeInRange(0, 1);
        status.GetProperty("deferredNotifications").GetInt32().Should().Be(0);
    }

    [Theory]
    [InlineData("flowScore: must be between 0 and 1", "--flow-score", "1.5")]
    [InlineData("text: must not be empty", "--text", "")]
    [InlineData("outcome: must be one of success, failure, unknown", "--outcome", "maybe")]
    [InlineData("at: must be an ISO-8601 time with an offset or Z, e.g. 2026-03-02T10:00:00Z (was 'yesterday')", "--at", "yesterday")]
    [InlineData("userId: must match [A-Za-z0-9_-]{1,64}", "--user", "../../etc")]
    [InlineData("at: must be an ISO-8601 time with an offset or Z, e.g. 2026-03-02T10:00:00Z (was 'May 5 2020 3pm')", "--at", "May 5 2020 3pm")]
    [InlineData("at: must be an ISO-8601 time with an offset or Z, e.g. 2026-03-02T10:00:00Z (was '2026-01-01T10:00:00')", "--at", "2026-01-01T10:00:00")]
    public async Task Bad_input_exits_non_zero_with_one_line_on_stderr_and_nothing_recorded(string message, string option, string value)
    {
        var args = new Dictionary<string, string>
        {
            ["--user"] = "rose", ["--session"] = "morning", ["--text"] = "install vlc", ["--outcome"] = "success",
        };
        args[option] = value;

        var result = await NixhProcess.RunAsync(["record", "--data-dir", _data.Path, "--json", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        var status = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--user", "rose", "--data-dir", _data.Path, "--json"));

        result.ExitCode.Should().Be(2);
        result.StdOut.Should().BeEmpty();
        result.StdErr.TrimEnd().Should().Be($"nixh: {message}");
        status.GetProperty("interactions").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_is_a_field_error()
    {
        var aFile = Path.Combine(_data.Path, "not-a-folder");
        await File.WriteAllTextAsync(aFile, "mine");

        var result = await NixhProcess.RunAsync("status", "--user", "rose", "--data-dir", aFile);

        result.ExitCode.Should().Be(2);
        result.StdErr.TrimEnd().Should().Be("nixh: dataDir: must be a folder (a file is there)");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("record")]
    public async Task A_data_directory_that_cannot_be_created_is_a_field_error(string verb)
    {
        string[] args = verb == "record" ? ["record", "--user", "rose", "--session", "s", "--text", "x"] : ["status", "--user", "rose"];

        var result = await NixhProcess.RunAsync([.. args, "--data-dir", "/proc/nixh-data"]);

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("one line, no stack trace")
            .Which.Should().StartWith("nixh: dataDir: cannot be created: ");
    }

    [Fact]
    public async Task A_data_directory_whose_journal_is_not_a_database_fails_with_one_line_naming_the_file()
    {
        var dataDir = Path.Combine(_data.Path, "garbage");
        Directory.CreateDirectory(Path.Combine(dataDir, "journal"));
        await File.WriteAllBytesAsync(Path.Combine(dataDir, "journal", "journal.db"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 31)).ToArray());
        const string file = "journal/journal.db";
        const string expected = "journal.db: unreadable store (SQLite Error 26: 'file is not a database'.)";

        var result = await NixhProcess.RunAsync("status", "--user", "rose", "--data-dir", dataDir);

        result.ExitCode.Should().Be(1);
        result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("one line, no stack trace")
            .Which.Should().StartWith($"nixh: {Path.Combine(dataDir, file)}").And.Contain(expected);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_one_line_error()
    {
        var result = await NixhProcess.RunAsync("status", "--data-dir", _data.Path);

        result.ExitCode.Should().Be(2);
        result.StdErr.TrimEnd().Split('\n').Should().ContainSingle().Which.Should().Be("nixh: user: a value is required (--user VALUE)");
    }

    [Theory]
    [InlineData("status", "--json", "--help")]
    [InlineData("search", "-h", "--json")]
    public async Task Help_goes_to_stdout_with_or_without_json(params string[] args)
    {
        var result = await NixhProcess.RunAsync(args);

        result.ExitCode.Should().Be(0, result.StdErr);
        result.StdOut.Should().Contain("--user", "the verb's help is its answer, on stdout");
        result.StdErr.Should().BeEmpty();
    }

    [Theory]
    [InlineData("nixh: limit: must be a whole number (was '1e9')", "search", "--user", "rose", "x", "--limit", "1e9")]
    [InlineData("nixh: upTo: must be a whole number (was 'abc')", "compact", "--user", "rose", "--up-to", "abc")]
    [InlineData("nixh: flowScore: must be a number (was 'high')", "record", "--user", "rose", "--session", "s", "--text", "x", "--flow-score", "high")]
    [InlineData("nixh: verb: 'frobnicate' is not a verb (record, notify, status, import, search, compact, demo, chart, forget, export, stats, query, preferences, fold, suggest, record-biometrics, serve)", "frobnicate")]
    public async Task Mistakes_the_parser_catches_are_field_rule_lines_without_dotnet_type_names(string message, params string[] args)
    {
        var result = await NixhProcess.RunAsync([.. args, "--data-dir", _data.Path]);

        result.ExitCode.Should().Be(2);
        result.StdErr.TrimEnd().Should().Be(message);
        Directory.EnumerateFileSystemEntries(_data.Path).Should().BeEmpty("a command the parser refuses touches nothing");
    }

    [Fact]
    public async Task The_demo_plays_the_personas_day_in_a_fresh_data_dir()
    {
        var demoDir = Path.Combine(_data.Path, "demo");

        var report = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("demo", "--data-dir", demoDir, "--json"));

        var personas = report.GetProperty("personas").EnumerateArray().ToDictionary(p => p.GetProperty("userId").GetString()!);
        personas.Keys.Should().BeEquivalentTo("grandma-rose", "maya", "dr-sarah");
        personas["maya"].GetProperty("flowSessions").GetInt64().Should().BeGreaterThan(0, "Maya's rapid run puts her in flow");
        personas["maya"].GetProperty("deferredNotifications").GetInt32().Should().Be(0, "held notifications were released when flow ended");
        personas["grandma-rose"].GetProperty("interactions").GetInt64().Should().Be(5);
        File.Exists(Path.Combine(demoDir, "journal", "journal.db")).Should().BeTrue();
        var charts = report.GetProperty("charts").EnumerateArray().Select(c => c.GetString()!).ToList();
        charts.Should().Contain(Path.Combine(demoDir, "charts", "flow-timeline-maya.png"));
        charts.Should().Contain(Path.Combine(demoDir, "charts", "learning-curve-dr-sarah.png"));
        charts.Should().OnlyContain(path => IsPng(path));
    }

    [Fact]
    public async Task Chart_writes_a_flow_timeline_png_and_refuses_a_user_without_history()
    {
        await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "maya", "--session", "s", "--text", "install ripgrep", "--command", "nix-env -iA nixpkgs.ripgrep", "--outcome", "success", "--flow-score", "0.9");
        var outDir = Path.Combine(_data.Path, "charts");

        var written = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("chart", "--data-dir", _data.Path, "--json", "--user", "maya", "--out", outDir));
        var nobody = await NixhProcess.RunAsync("chart", "--data-dir", _data.Path, "--user", "nobody", "--out", outDir);

        written.GetProperty("charts").EnumerateArray().Select(c => Path.GetFileName(c.GetString()!)).Should().Equal("flow-timeline-maya.png", "learning-curve-maya.png");
        written.GetProperty("charts").EnumerateArray().Should().OnlyContain(c => IsPng(c.GetString()!));
        nobody.ExitCode.Should().Be(2);
        nobody.StdErr.TrimEnd().Should().Be("nixh: user: 'nobody' has no live interactions to chart");

        var aFile = Path.Combine(_data.Path, "not-a-folder");
        await File.WriteAllTextAsync(aFile, "mine");
        var ontoFile = await NixhProcess.RunAsync("chart", "--data-dir", _data.Path, "--user", "maya", "--out", aFile);
        ontoFile.ExitCode.Should().Be(2);
        ontoFile.StdErr.TrimEnd().Should().Be("nixh: out: must be a folder (a file is there)");
        File.ReadAllText(aFile).Should().Be("mine");
    }

    private static bool IsPng(string path) =>
        File.Exists(path) && File.ReadAllBytes(path).AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });

    [Fact]
    public async Task Stats_counts_users_events_and_store_sizes()
    {
        await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "maya", "--session", "s", "--text", "install ripgrep");
        await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "rose", "--session", "s", "--text", "install firefox");
        await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "rose", "--session", "s", "--text", "install vlc");

        var stats = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("stats", "--data-dir", _data.Path, "--json"));

        stats.GetProperty("users").GetInt32().Should().Be(2);
        stats.GetProperty("events").GetInt64().Should().Be(3);
        stats.GetProperty("journalBytes").GetInt64().Should().BePositive();
        stats.GetProperty("embedder").GetString().Should().NotBeNullOrEmpty();
        var perUser = stats.GetProperty("perUser").EnumerateArray().ToDictionary(u => u.GetProperty("userId").GetString()!, u => u.GetProperty("events").GetInt64());
        perUser.Should().Equal(new Dictionary<string, long> { ["maya"] = 1, ["rose"] = 2 });
    }
}

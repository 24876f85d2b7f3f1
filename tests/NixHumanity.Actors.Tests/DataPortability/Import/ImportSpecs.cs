using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Import;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using static NixHumanity.Actors.Tests.DataPortability.Import.ImportFiles;

namespace NixHumanity.Actors.Tests.DataPortability.Import;

public sealed class ImportSpecs : IDisposable
{
    private static readonly DateTimeOffset Past = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-30).AddHours(9);
    private readonly TempDataDirectory _data = new();
    private readonly TempDataDirectory _files = new();

    public void Dispose()
    {
        _data.Dispose();
        _files.Dispose();
    }

    private string FilePath(string name) => Path.Combine(_files.Path, name);

    private static Task<ImportReport> ImportAsync(ActorTree tree, string userId, string path, bool strict = false, int chunkSize = HistoryImporter.DefaultChunkSize) =>
        HistoryImporter.RunAsync(userId, ImportFile.Read(path, DateTimeOffset.UtcNow), strict, (chunk, _) => tree.AskAsync<HistoryImported>(chunk), chunkSize: chunkSize);

    private string OldDatabase(string name = "nixos-assistant.db") => Sqlite(
        FilePath(name),
        [
            new Row(Iso(Past), "install vim", "install_package", Context("nix-env -iA nixpkgs.vim", "morning"), "success", 0.9),
            new Row(Iso(Past.AddSeconds(20)), "install firefox", "install_package", Context("nix-env -iA nixpkgs.firefox"), "failed", "thanks!"),
            new Row(Past.AddMinutes(1).ToUnixTimeSeconds(), "what is installed", null, null, "partially", null),
        ],
        patterns:
        [
            ["command_preference", """{"install":"nix-env -iA"}""", 0.8, 12L, Iso(Past.AddDays(1))],
            ["time_of_day", """{"morning":0.7}""", null, null, null],
        ],
        metrics:
        [
            ["intent_accuracy", 0.91, Iso(Past.AddDays(2))],
            ["response_ms", 180.0, Iso(Past.AddDays(3))],
        ]);

    [Fact]
    public async Task An_SQLite_store_is_journaled_with_its_columns_mapped_and_counted_in_the_status()
    {
        await using var tree = ActorTree.Start(_data.Path);

        var report = await ImportAsync(tree, "rose", OldDatabase());
        var status = await tree.StatusAsync("rose");
        var events = await tree.JournalEventsAsync("rose");

        report.Should().Match<ImportReport>(r => r.Kind == ImportSourceKind.Sqlite && r.Rows == 3 && r.Imported == 3 && r.Duplicates == 0
            && r.Skipped.Count == 0 && r.PatternRows == 2 && r.PatternsImported == 2 && r.MetricRows == 2 && r.MetricsImported == 2 && r.SequenceNr == 7);
        status.Interactions.Should().Be(3);
        status.ImportedInteractions.Should().Be(3);
        status.ImportedPatterns.Should().Be(2);
        status.ImportedMetrics.Should().Be(2);
        status.SequenceNr.Should().Be(7);

        var interactions = events.OfType<InteractionRecorded>().ToList();
        interactions.Select(e => (e.Text, e.Command, e.Intent, e.SessionId, e.Outcome, e.Satisfaction, e.At)).Should().Equal(
            ("install vim", "nix-env -iA nixpkgs.vim", "install_package", "morning", InteractionOutcome.Success, 0.9, Past),
            ("install firefox", "nix-env -iA nixpkgs.firefox", "install_package", "imported", InteractionOutcome.Failure, (double?)null, Past.AddSeconds(20)),
            ("what is installed", (string?)null, (string?)null, "imported", InteractionOutcome.Unknown, (double?)null, Past.AddMinutes(1)));
        interactions.Should().OnlyContain(e => ImportKeys.IsValid(e.ImportKey) && e.UserId == "rose" && e.FlowScore >= 0 && e.FlowScore <= 1);
        interactions.Select(e => e.ImportKey).Should().OnlyHaveUniqueItems();

        var patterns = events.OfType<PatternImported>().ToList();
        patterns.Should().HaveCount(2);
        patterns[0].Should().Match<PatternImported>(p => p.PatternType == "command_preference" && p.PatternData == """{"install":"nix-env -iA"}"""
            && p.Confidence == 0.8 && p.UsageCount == 12 && p.LastUsed == Past.AddDays(1) && p.At == Past.AddDays(1));
        patterns[1].Should().Match<PatternImported>(p => p.PatternType == "time_of_day" && p.Confidence == null && p.LastUsed == null);
        events.OfType<MetricImported>().Select(m => (m.MetricName, m.Value, m.At)).Should().Equal(
            ("intent_accuracy", 0.91, Past.AddDays(2)), ("response_ms", 180.0, Past.AddDays(3)));
    }

    [Fact]
    public async Task A_learning_json_history_is_journaled_whatever_the_file_is_called()
    {
        var path = Json(FilePath("learning.db"), new
        {
            version = 2,
            commandHistory = new object[]
            {
                new { timestamp = Past.ToString("O"), input = "install vim", intent = "install_package", success = true, command = "nix-env -iA nixpkgs.vim" },
                new { timestamp = Past.AddSeconds(30).ToUnixTimeMilliseconds(), input = "remove nano", intent = "remove_package", success = false, command = "nix-env -e nano" },
                new { timestamp = Past.AddSeconds(45).ToString("O"), input = "how do I update?", intent = (string?)null, success = (bool?)null, command = (string?)null },
            },
        });
        await using var tree = ActorTree.Start(_data.Path);

        var report = await ImportAsync(tree, "maya", path);
        var interactions = (await tree.JournalEventsAsync("maya")).OfType<InteractionRecorded>().ToList();

        report.Should().Match<ImportReport>(r => r.Kind == ImportSourceKind.LearningJson && r.Rows == 3 && r.Imported == 3 && r.PatternRows == 0 && r.MetricRows == 0);
        interactions.Select(e => (e.Text, e.Command, e.Intent, e.Outcome, e.At, e.SessionId)).Should().Equal(
            ("install vim", "nix-env -iA nixpkgs.vim", "install_package", InteractionOutcome.Success, Past, "imported"),
            ("remove nano", "nix-env -e nano", "remove_package", InteractionOutcome.Failure, Past.AddSeconds(30), "imported"),
            ("how do I update?", (string?)null, (string?)null, InteractionOutcome.Unknown, Past.AddSeconds(45), "imported"));
        (await tree.StatusAsync("maya")).ImportedInteractions.Should().Be(3);
    }

    [Fact]
    public async Task Importing_the_same_file_again_adds_nothing_even_after_a_restart_from_a_snapshot()
    {
        var path = OldDatabase();
        ImportReport first, second, afterRestart;
        await using (var tree = ActorTree.Start(_data.Path, o => o.SnapshotInterval = 3))
        {
            first = await ImportAsync(tree, "rose", path);
            second = await ImportAsync(tree, "rose", path);
            // The snapshot after the import must hold the keys; wait for it before restarting.
            await Eventually.HoldsAsync(() => JournalFile.CountRows(tree.Options.Data.JournalDatabase, "snapshot").Should().Be(1));
        }

        await using (var restarted = ActorTree.Start(_data.Path, o => o.SnapshotInterval = 3))
        {
            afterRestart = await ImportAsync(restarted, "rose", path);
            (await restarted.JournalEventsAsync("rose")).Should().HaveCount(7);
            (await restarted.StatusAsync("rose")).Interactions.Should().Be(3);
        }

        first.Imported.Should().Be(3);
        foreach (var again in new[] { second, afterRestart })
        {
            again.Should().Match<ImportReport>(r => r.Imported == 0 && r.Duplicates == 3 && r.PatternsImported == 0 && r.PatternDuplicates == 2
                && r.MetricsImported == 0 && r.MetricDuplicates == 2 && r.SequenceNr == 7);
        }
    }

    [Fact]
    public async Task A_grown_store_imports_only_its_new_rows()
    {
        var path = OldDatabase();
        await using var tree = ActorTree.Start(_data.Path);
        await ImportAsync(tree, "rose", path);

        Sqlite(path, [new Row(Iso(Past.AddHours(2)), "install htop", "install_package", Context("nix-env -iA nixpkgs.htop"), "success")]);
        var again = await ImportAsync(tree, "rose", path);

        again.Should().Match<ImportReport>(r => r.Rows == 4 && r.Imported == 1 && r.Duplicates == 3);
        (await tree.JournalEventsAsync("rose")).OfType<InteractionRecorded>().Last().Text.Should().Be("install htop");
    }

    [Fact]
    public async Task Identical_learning_json_entries_stay_distinct_and_a_longer_file_adds_only_the_new_ones()
    {
        var entry = new { timestamp = Past.ToString("O"), input = "rebuild", intent = "rebuild", success = true, command = "sudo nixos-rebuild switch" };
        await using var tree = ActorTree.Start(_data.Path);

        var twice = await ImportAsync(tree, "sarah", Json(FilePath("a.json"), new { commandHistory = new[] { entry, entry } }));
        var thrice = await ImportAsync(tree, "sarah", Json(FilePath("b.json"), new { commandHistory = new[] { entry, entry, entry } }));

        twice.Imported.Should().Be(2);
        thrice.Should().Match<ImportReport>(r => r.Imported == 1 && r.Duplicates == 2);
        (await tree.StatusAsync("sarah")).Interactions.Should().Be(3);
    }

    [Fact]
    public async Task By_default_a_malformed_row_is_skipped_and_reported_with_its_row_number()
    {
        var path = Sqlite(FilePath("old.db"),
        [
            new Row(Iso(Past), "install vim", Outcome: "success"),
            new Row(Iso(Past.AddSeconds(5)), "   ", Outcome: "success"),
            new Row("last tuesday", "install git", Outcome: "success"),
            new Row(Iso(Past.AddSeconds(9)), "install jq", Context: "{not json"),
            new Row(Iso(Past.AddSeconds(12)), "install fd", Feedback: 7.5),
            new Row(Iso(Past.AddSeconds(15)), "install bat", Context: Context(sessionId: "../etc")),
            new Row(Iso(Past.AddSeconds(20)), "install eza", Outcome: "success"),
        ],
        metrics: [["accuracy", "n/a", Iso(Past)]]);
        await using var tree = ActorTree.Start(_data.Path);

        var report = await ImportAsync(tree, "rose", path);

        report.Rows.Should().Be(7);
        report.Imported.Should().Be(2);
        report.Skipped.Select(p => (p.Table, p.Row, p.Field)).Should().Equal(
            ("interactions", 2L, "input_text"),
            ("interactions", 3L, "timestamp"),
            ("interactions", 4L, "context"),
            ("interactions", 5L, "feedback"),
            ("interactions", 6L, "context.session_id"),
            ("evolution", 1L, "metric_value"));
        report.Skipped[0].Rule.Should().Be("must not be empty");
        report.Skipped[4].Rule.Should().Be("must match [A-Za-z0-9_-]{1,64}");
        (await tree.JournalEventsAsync("rose")).OfType<InteractionRecorded>().Select(e => e.Text).Should().Equal("install vim", "install eza");
    }

    [Fact]
    public async Task Strict_mode_rejects_the_whole_file_naming_the_first_bad_row_and_imports_nothing()
    {
        var path = Json(FilePath("learning.json"), new
        {
            commandHistory = new object[]
            {
                new { timestamp = Past.ToString("O"), input = "install vim", success = true },
                new { timestamp = Past.AddSeconds(3).ToString("O"), input = "install git", success = "yes" },
                new { timestamp = Past.AddSeconds(6).ToString("O"), input = "" },
            },
        });
        await using var tree = ActorTree.Start(_data.Path);

        var strict = async () => await ImportAsync(tree, "rose", path, strict: true);

        var rejection = (await strict.Should().ThrowAsync<InvalidInputException>()).Which.Rejection;
        rejection.Field.Should().Be("commandHistory[2].success");
        rejection.Rule.Should().StartWith("must be true, false or null").And.Contain("nothing imported").And.Contain("2 bad row(s)");
        (await tree.JournalEventsAsync("rose")).Should().BeEmpty();
        (await tree.StatusAsync("rose")).Interactions.Should().Be(0);

        var lenient = await ImportAsync(tree, "rose", path);
        lenient.Imported.Should().Be(1);
        lenient.Skipped.Select(p => (p.Row, p.Field)).Should().Equal((2L, "success"), (3L, "input"));
    }

    public static TheoryData<string, string, string> NotWhatItClaims => new()
    {
        { "text", "file", "is neither an SQLite database nor a learning.json file" },
        { "empty", "file", "is empty" },
        { "array", "file", "is a JSON array, not a learning.json object with commandHistory" },
        { "no-history", "commandHistory", "is missing: not a learning.json file" },
        { "history-not-array", "commandHistory", "must be an array" },
        { "truncated-json", "file", "is not valid JSON" },
        { "other-schema", "file", "is an SQLite database without an interactions table (not the assistant's schema)" },
        { "missing-column", "interactions", "is missing column input_text (not the assistant's schema)" },
        { "truncated-sqlite", "file", "SQLite database" },
        { "missing", "file", "does not exist" },
        { "directory", "file", "is a directory, not a file" },
        { "fifo", "file", "must be a regular file (not a pipe, device or socket)" },
        { "device", "file", "must be a regular file (not a pipe, device or socket)" },
        { "recursive-view", "interactions", "must be a table (it is a view)" },
        { "huge-json", "file", "must be at most 67,108,864 bytes" },
    };

    [Theory]
    [MemberData(nameof(NotWhatItClaims))]
    public async Task A_file_that_is_not_what_it_claims_is_rejected_and_the_journal_is_unchanged(string kind, string field, string rule)
    {
        var path = kind == "device" ? "/dev/zero" : FilePath($"{kind}.db");
        switch (kind)
        {
            case "directory":
                Directory.CreateDirectory(path);
                break;
            case "fifo":
                // Opening a FIFO blocks until a writer appears; the import must refuse it without opening it.
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path))
                {
                    await mkfifo.WaitForExitAsync();
                    mkfifo.ExitCode.Should().Be(0);
                }

                break;
            case "recursive-view":
                Sqlite(path, [], schema:
                    "CREATE VIEW interactions AS WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n) " +
                    "SELECT id, '2025-01-01T00:00:00Z' AS timestamp, 'x' AS input_text, NULL AS intent, NULL AS context, NULL AS outcome, NULL AS feedback FROM n;");
                break;
            case "huge-json":
                using (var huge = File.Create(path))
                {
                    huge.WriteByte((byte)'{');
                    huge.SetLength((64L * 1024 * 1024) + 1);
                }

                break;
            case "text":
                File.WriteAllText(path, "install vim\ninstall firefox\n");
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "array":
                File.WriteAllText(path, """[{"input":"install vim"}]""");
                break;
            case "no-history":
                File.WriteAllText(path, """{"preferences":{"verbosity":"low"}}""");
                break;
            case "history-not-array":
                File.WriteAllText(path, """{"commandHistory":{"input":"install vim"}}""");
                break;
            case "truncated-json":
                var json = $$"""{"commandHistory":[{"timestamp":"{{Past:O}}","input":"install vim","success":true},{"timestamp":"{{Past:O}}","inp""";
                File.WriteAllText(path, json);
                break;
            case "other-schema":
                Sqlite(path, [], schema: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE interactions_old (x);");
                break;
            case "missing-column":
                Sqlite(path, [], schema: "CREATE TABLE interactions (id INTEGER PRIMARY KEY, timestamp TEXT, intent TEXT, context TEXT, outcome TEXT, feedback);");
                break;
            case "truncated-sqlite":
                var whole = Sqlite(FilePath("whole.db"), Enumerable.Range(0, 2000).Select(i => new Row(Iso(Past.AddSeconds(i)), $"install package number {i} with a longer text", "install_package", Context($"nix-env -iA nixpkgs.p{i}"), "success")));
                var bytes = File.ReadAllBytes(whole);
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
        }

        await using var tree = ActorTree.Start(_data.Path);
        await tree.RecordAsync("rose", "a live interaction before the import");

        var import = () => ImportAsync(tree, "rose", path);

        var rejection = (await import.Should().ThrowAsync<InvalidInputException>()).Which.Rejection;
        rejection.Field.Should().Be(field);
        rejection.Rule.Should().Contain(rule);
        (await tree.JournalEventsAsync("rose")).Should().ContainSingle();
    }

    [Fact]
    public async Task Imported_history_never_starts_or_ends_live_flow_nor_releases_held_notifications()
    {
        var now = DateTimeOffset.UtcNow;
        await using var tree = ActorTree.Start(_data.Path);
        for (var i = 0; i < 3; i++)
        {
            await tree.RecordAsync("maya", $"quick step {i}", flowScore: 0.95, at: now.AddMinutes(-2).AddSeconds(5 * i));
        }

        var held = await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("maya", "chat", now.AddMinutes(-1)));
        var before = await tree.StatusAsync("maya");
        // A long stretch of fast failures and, in a second file, fast successes: either would move a live flow score.
        var failures = Sqlite(FilePath("failures.db"), Enumerable.Range(0, 30).Select(i => new Row(Iso(now.AddMinutes(-30).AddSeconds(2 * i)), $"broken {i}", Outcome: "failure")));
        var successes = Json(FilePath("successes.json"), new
        {
            commandHistory = Enumerable.Range(0, 30).Select(i => new { timestamp = now.AddDays(-3).AddSeconds(3 * i).ToString("O"), input = $"fine {i}", success = true }).ToArray(),
        });

        await ImportAsync(tree, "maya", failures);
        await ImportAsync(tree, "maya", successes);
        var after = await tree.StatusAsync("maya");
        var events = await tree.JournalEventsAsync("maya");

        held.Deferred.Should().BeTrue();
        before.InFlow.Should().BeTrue();
        after.Should().Match<SessionStatus>(s => s.InFlow && s.DeferredNotifications == 1 && s.FlowSessions == before.FlowSessions
            && s.FlowScore == before.FlowScore && s.LastInteractionAt == before.LastInteractionAt && s.Interactions == before.Interactions + 60);
        events.Skip((int)before.SequenceNr).Should().AllBeOfType<InteractionRecorded>();

        // Their own flow scores are estimated over the imported history: a run of quick successes builds up, failures do not.
        var imported = events.OfType<InteractionRecorded>().Where(e => e.ImportKey is not null).ToList();
        var fine = imported.Where(e => e.Text.StartsWith("fine", StringComparison.Ordinal)).Select(e => e.FlowScore).ToList();
        var broken = imported.Where(e => e.Text.StartsWith("broken", StringComparison.Ordinal)).Select(e => e.FlowScore).ToList();
        fine.Should().BeInAscendingOrder().And.Subject.Last().Should().BeGreaterThan(0.9);
        broken.Max().Should().BeLessThan(fine.Last());

        // The next live interaction continues the live flow as if nothing had been imported.
        var next = await tree.RecordAsync("maya", "quick step 3", flowScore: 0.95, at: now);
        next.InFlow.Should().BeTrue();
        next.Released.Should().BeEmpty();
    }

    [Fact]
    public async Task A_large_store_is_imported_in_chunks_with_every_row_journaled_once()
    {
        const int rows = 5_500;
        var path = Sqlite(FilePath("big.db"), Enumerable.Range(0, rows).Select(i =>
            new Row(Past.AddSeconds(i).ToUnixTimeMilliseconds(), $"install package {i}", "install_package", Context($"nix-env -iA nixpkgs.p{i}"), i % 7 == 0 ? "error" : "ok")));
        await using var tree = ActorTree.Start(_data.Path, o => o.SnapshotInterval = 1000);

        var report = await ImportAsync(tree, "sarah", path, chunkSize: 2000);
        var status = await tree.StatusAsync("sarah");
        var again = await ImportAsync(tree, "sarah", path, chunkSize: 700);

        report.Should().Match<ImportReport>(r => r.Rows == rows && r.Imported == rows && r.Duplicates == 0 && r.SequenceNr == rows);
        status.Should().Match<SessionStatus>(s => s.Interactions == rows && s.ImportedInteractions == rows && s.SequenceNr == rows);
        again.Should().Match<ImportReport>(r => r.Imported == 0 && r.Duplicates == rows && r.SequenceNr == rows);
        var interactions = (await tree.JournalEventsAsync("sarah")).OfType<InteractionRecorded>().ToList();
        interactions.Select(e => e.Text).Should().Equal(Enumerable.Range(0, rows).Select(i => $"install package {i}"));
        interactions.Count(e => e.Outcome == InteractionOutcome.Failure).Should().Be(Enumerable.Range(0, rows).Count(i => i % 7 == 0));
    }

    [Fact]
    public async Task The_session_rejects_a_chunk_with_a_bad_item_as_a_whole()
    {
        await using var tree = ActorTree.Start(_data.Path);
        var good = new ImportedInteraction(ImportKeys.For("test", "1"), "imported", "install vim", null, null, null, InteractionOutcome.Success, null, Past);
        var badKey = good with { ImportKey = "not-a-key" };
        var future = good with { ImportKey = ImportKeys.For("test", "2"), At = DateTimeOffset.UtcNow.AddDays(3) };

        var first = await tree.AskAsync(new ImportHistory("rose", "test", [good, badKey], [], []));
        var second = await tree.AskAsync(new ImportHistory("rose", "test", [good, future], [], []));
        var metric = await tree.AskAsync(new ImportHistory("rose", "test", [], [], [new ImportedMetric(ImportKeys.For("test", "3"), "accuracy", double.PositiveInfinity, Past)]));

        first.Should().Be(new CommandRejected("interactions[1].importKey", "must be 32 lower-case hex digits"));
        second.Should().Be(new CommandRejected("interactions[1].at", "must not be more than one day in the future"));
        metric.Should().Be(new CommandRejected("metrics[0].value", "must be a finite number (not NaN or infinity)"));
        (await tree.JournalEventsAsync("rose")).Should().BeEmpty();
    }
}

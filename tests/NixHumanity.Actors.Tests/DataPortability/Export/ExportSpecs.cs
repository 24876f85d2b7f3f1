using System.Security.Cryptography;
using System.Text.Json;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.DataPortability.Export;

public sealed class ExportSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-3);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string Sub(string name) => Path.Combine(_data.Path, name);

    private static JsonElement Json(NixhProcess.Result result)
    {
        result.ExitCode.Should().Be(0, result.StdErr);
        return JsonDocument.Parse(result.StdOut).RootElement;
    }

    private static List<string> Results(JsonElement search) => search.GetProperty("results").EnumerateArray()
        .Select(r => $"{r.GetProperty("command").GetString()}|{r.GetProperty("success_rate").GetDouble():0.000}|{r.GetProperty("score").GetDouble():0.000}")
        .ToList();

    private static async Task RecordDayAsync(ActorTree tree)
    {
        for (var i = 0; i < 6; i++)
        {
            await tree.RecordAsync("maya", $"quick step {i}", flowScore: 0.95, at: Start.AddSeconds(5 * i), command: $"cmd-{i % 3}");
        }

        await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("maya", "chat", Start.AddSeconds(40)));
        await tree.RecordAsync("maya", "stuck", InteractionOutcome.Failure, flowScore: 0.0, at: Start.AddSeconds(50));
        await tree.RecordAsync("maya", "stuck again", InteractionOutcome.Failure, flowScore: 0.0, at: Start.AddSeconds(55));
    }

    [Fact]
    public async Task An_export_restored_into_an_empty_data_dir_answers_status_the_same()
    {
        SessionStatus before;
        await using (var tree = ActorTree.Start(Sub("original")))
        {
            await RecordDayAsync(tree);
            before = await tree.StatusAsync("maya");
        }

        var exported = Json(await NixhProcess.RunAsync("export", "--data-dir", Sub("original"), "--json", "--user", "maya", "--out", Sub("export")));
        var restored = Json(await NixhProcess.RunAsync("import", Sub("export"), "--data-dir", Sub("restored"), "--json", "--user", "maya"));
        var status = Json(await NixhProcess.RunAsync("status", "--data-dir", Sub("restored"), "--json", "--user", "maya"));

        exported.GetProperty("counts").GetProperty("events").GetInt64().Should().Be(before.SequenceNr);
        exported.GetProperty("counts").GetProperty("interactions").GetInt64().Should().Be(8);
        restored.GetProperty("kind").GetString().Should().Be("export");
        restored.GetProperty("sequenceNr").GetInt64().Should().Be(before.SequenceNr);
        status.GetProperty("interactions").GetInt64().Should().Be(before.Interactions);
        status.GetProperty("notifications").GetInt64().Should().Be(before.Notifications);
        status.GetProperty("flowScore").GetDouble().Should().Be(before.FlowScore);
        status.GetProperty("sequenceNr").GetInt64().Should().Be(before.SequenceNr);
        var memories = await ParquetFile.ReadAsync<NixHumanity.Actors.Memory.ExportedMemoryRow>(Path.Combine(Sub("export"), "memory", "command_embeddings.parquet"));
        memories.Select(m => m.Command).Should().BeEquivalentTo(["cmd-0", "cmd-1", "cmd-2", "cmd stuck", "cmd stuck again"]);
        memories.Should().OnlyContain(m => m.Vector.Length == 384);
        exported.GetProperty("counts").GetProperty("memories").GetInt64().Should().Be(5);
        var searchOriginal = Json(await NixhProcess.RunAsync("search", "--data-dir", Sub("original"), "--json", "--user", "maya", "quick step"));
        var searchRestored = Json(await NixhProcess.RunAsync("search", "--data-dir", Sub("restored"), "--json", "--user", "maya", "quick step"));
        Results(searchRestored).Should().Equal(Results(searchOriginal), "search answers the same after a restore");
        foreach (var query in new[] { "flow", "learning", "interruptions" })
        {
            var original = Json(await NixhProcess.RunAsync("query", query, "--data-dir", Sub("original"), "--json", "--user", "maya")).GetProperty("rows").GetRawText();
            var again = Json(await NixhProcess.RunAsync("query", query, "--data-dir", Sub("restored"), "--json", "--user", "maya")).GetProperty("rows").GetRawText();
            again.Should().Be(original, $"query {query} answers the same after a restore");
            original.Should().NotBe("[]", $"the recorded day gives query {query} something to answer");
        }
        await using var check = ActorTree.Start(Sub("restored"));
        var originalEvents = await ActorTree.Start(Sub("original")).UseAsync(t => t.JournalEventsAsync("maya"));
        (await check.JournalEventsAsync("maya")).Should().BeEquivalentTo(originalEvents, o => o.WithStrictOrdering().RespectingRuntimeTypes());
    }

    [Fact]
    public async Task The_manifest_lists_every_file_with_its_sha256_and_a_changed_file_is_refused()
    {
        await using (var tree = ActorTree.Start(Sub("original")))
        {
            await RecordDayAsync(tree);
        }

        await NixhProcess.RunAsync("export", "--data-dir", Sub("original"), "--user", "maya", "--out", Sub("export"));
        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Sub("export"), "manifest.json"))).RootElement;
        foreach (var file in manifest.GetProperty("files").EnumerateArray())
        {
            var path = Path.Combine(Sub("export"), file.GetProperty("path").GetString()!);
            Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path))).Should().Be(file.GetProperty("sha256").GetString());
        }

        await File.AppendAllTextAsync(Path.Combine(Sub("export"), JournalExport.EventsPath), "\n");
        var tampered = await NixhProcess.RunAsync("import", Sub("export"), "--data-dir", Sub("restored"), "--user", "maya");

        manifest.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).Should().Contain(JournalExport.EventsPath);
        tampered.ExitCode.Should().Be(2);
        tampered.StdErr.Should().Contain($"manifest: checksum of '{JournalExport.EventsPath}' does not match");
    }

    [Fact]
    public async Task Restoring_into_a_user_who_already_has_history_is_refused_and_changes_nothing()
    {
        await using var tree = ActorTree.Start(Sub("original"));
        await RecordDayAsync(tree);
        var events = (await tree.JournalEventsAsync("maya")).ToList();

        var reply = await tree.AskAsync(new RestoreHistory("maya", events));

        reply.Should().BeOfType<CommandRejected>().Which.Field.Should().Be("userId");
        (await tree.JournalEventsAsync("maya")).Should().HaveCount(events.Count);
    }

    [Fact]
    public async Task Exporting_into_a_folder_with_files_is_refused()
    {
        Directory.CreateDirectory(Sub("busy"));
        await File.WriteAllTextAsync(Path.Combine(Sub("busy"), "keep.txt"), "mine");

        var result = await NixhProcess.RunAsync("export", "--data-dir", Sub("original"), "--user", "maya", "--out", Sub("busy"));

        result.ExitCode.Should().Be(2);
        result.StdErr.TrimEnd().Should().Be("nixh: out: must be a new or empty folder");
    }

    [Theory]
    [InlineData("original/users/evil2", "nixh: out: must not be inside the data directory {data}")]
    [InlineData("original", "nixh: out: must not be inside the data directory {data}")]
    [InlineData("a-file", "nixh: out: must be a new or empty folder (a file is there)")]
    [InlineData("link-into-data/exported", "nixh: out: must not be inside the data directory {data}")]
    public async Task Exporting_into_the_data_directory_or_onto_a_file_is_refused_and_writes_nothing(string outName, string message)
    {
        await using (var tree = ActorTree.Start(Sub("original")))
        {
            await RecordDayAsync(tree);
        }

        await File.WriteAllTextAsync(Sub("a-file"), "mine");
        // The journal's folder, which exists once anything was recorded (users/ appears only when a projection has
        // applied an event, and the tree may stop before that).
        Directory.CreateSymbolicLink(Sub("link-into-data"), Path.Combine(Sub("original"), "journal"));
        var before = ListWithoutSqliteSideFiles();

        var result = await NixhProcess.RunAsync("export", "--data-dir", Sub("original"), "--user", "maya", "--out", Sub(outName));

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.TrimEnd().Should().Be(message.Replace("{data}", Sub("original"), StringComparison.Ordinal));
        // The host that refused the export held the data directory's lock file (one writer per data directory); it is
        // not something the export wrote.
        ListWithoutSqliteSideFiles().Where(e => Path.GetFileName(e) != DataDirectoryLock.LockFileName).Should().Equal(before,
            "a refused export creates no folder, least of all a phantom user under users/");
        File.ReadAllText(Sub("a-file")).Should().Be("mine");
    }

    /// <summary>
    /// Every entry under the test folder except SQLite's <c>-wal</c> and <c>-shm</c> files. SQLite creates them while
    /// any connection to <c>journal.db</c> is open and deletes them when the last one closes, so whether they exist
    /// depends on when this process's pooled connections were closed, not on anything the export did.
    /// </summary>
    private List<string> ListWithoutSqliteSideFiles() =>
        Directory.GetFileSystemEntries(_data.Path, "*", SearchOption.AllDirectories)
            .Where(e => !e.EndsWith("-wal", StringComparison.Ordinal) && !e.EndsWith("-shm", StringComparison.Ordinal))
            .Order().ToList();

    [Fact]
    public async Task Exporting_where_no_folder_can_be_created_is_a_field_error_not_a_crash()
    {
        var result = await NixhProcess.RunAsync("export", "--data-dir", Sub("original"), "--user", "maya", "--out", "/proc/nixh-export");

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.TrimEnd().Should().StartWith("nixh: out: cannot be created: ");
        result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("one line, no stack trace");
    }

    [Theory]
    [InlineData("unlisted")]
    [InlineData("empty-list")]
    public async Task A_file_the_manifest_does_not_list_is_refused_so_an_entry_cannot_be_dropped_to_hide_a_change(string how)
    {
        await using (var tree = ActorTree.Start(Sub("original")))
        {
            await RecordDayAsync(tree);
        }

        var exported = await NixhProcess.RunAsync("export", "--data-dir", Sub("original"), "--user", "maya", "--out", Sub("export"));
        exported.ExitCode.Should().Be(0, exported.StdErr);
        var manifestPath = Path.Combine(Sub("export"), "manifest.json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!.AsObject();
        var files = manifest["files"]!.AsArray();
        if (how == "unlisted")
        {
            files.Remove(files.Single(f => f!["path"]!.GetValue<string>() == JournalExport.EventsPath));
        }
        else
        {
            files.Clear();
        }

        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());
        await File.AppendAllTextAsync(Path.Combine(Sub("export"), JournalExport.EventsPath), "\n");

        var restore = await NixhProcess.RunAsync("import", Sub("export"), "--data-dir", Sub("restored"), "--user", "maya");

        restore.ExitCode.Should().Be(2);
        restore.StdErr.Should().StartWith("nixh: manifest: does not list '").And.Contain("every file of an export must be listed and checked");
        Directory.Exists(Path.Combine(Sub("restored"), "users", "maya")).Should().BeFalse();
    }

    public static TheoryData<string, string> BrokenEvents => new()
    {
        { "other-user", "events[0].userId: must be the restored user 'nora'" },
        { "huge-text", "events[0].text: must be at most 4096 characters" },
        { "flow-score", "events[0].flowScore: must be between 0 and 1" },
        { "hrv", "events[0].hrvCoherence: must be between 0 and 1" },
        { "old", "events[0].at: must not be before 2000-01-01" },
        { "future", "events[0].at: must not be more than one day in the future" },
        { "session", "events[0].sessionId: must match [A-Za-z0-9_-]{1,64}" },
        { "nul", "events[0].text: must not contain control characters (U+0000 at position 2)" },
    };

    [Theory]
    [MemberData(nameof(BrokenEvents))]
    public async Task Restored_events_obey_the_rules_of_live_input_and_a_broken_one_restores_nothing(string broken, string message)
    {
        await using var tree = ActorTree.Start(Sub("original"));
        await RecordDayAsync(tree);
        var events = (await tree.JournalEventsAsync("maya"))
            .Select(e => e is InteractionRecorded i ? i with { UserId = "nora" } : e)
            .ToList();
        var first = (InteractionRecorded)events[0];
        events[0] = broken switch
        {
            "other-user" => first with { UserId = "bob" },
            "huge-text" => first with { Text = new string('x', 200_000) },
            "flow-score" => first with { FlowScore = 7.5 },
            "hrv" => first with { HrvCoherence = -3 },
            "old" => first with { At = new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            "future" => first with { At = new DateTimeOffset(2999, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            "session" => first with { SessionId = "../../etc" },
            _ => first with { Text = "ls\0rm -rf /" },
        };

        var reply = await tree.AskAsync(new RestoreHistory("nora", events));

        reply.Should().BeOfType<CommandRejected>().Which.Message.Should().Be(message);
        (await tree.JournalEventsAsync("nora")).Should().BeEmpty();
    }

    [Fact]
    public async Task Events_that_obey_every_rule_restore_into_their_own_user()
    {
        await using var tree = ActorTree.Start(Sub("original"));
        await RecordDayAsync(tree);
        var events = (await tree.JournalEventsAsync("maya")).Select(e => e is InteractionRecorded i ? i with { UserId = "nora" } : e).ToList();

        var reply = await tree.AskAsync(new RestoreHistory("nora", events));

        reply.Should().BeOfType<HistoryRestored>().Which.Events.Should().Be(events.Count);
    }
}

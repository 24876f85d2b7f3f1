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
        Directory.CreateSymbolicLink(Sub("link-into-data"), Path.Combine(Sub("original"), "users"));
        var before = Directory.GetFileSystemEntries(_data.Path, "*", SearchOption.AllDirectories).Order().ToList();

        var result = await NixhProcess.RunAsync("export", "--data-dir", Sub("original"), "--user", "maya", "--out", Sub(outName));

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.TrimEnd().Should().Be(message.Replace("{data}", Sub("original"), StringComparison.Ordinal));
        Directory.GetFileSystemEntries(_data.Path, "*", SearchOption.AllDirectories).Order().Should().Equal(before,
            "a refused export creates no folder, least of all a phantom user under users/");
        File.ReadAllText(Sub("a-file")).Should().Be("mine");
    }

    [Fact]
    public async Task Exporting_where_no_folder_can_be_created_is_a_field_error_not_a_crash()
    {
        var result = await NixhProcess.RunAsync("export", "--data-dir", Sub("original"), "--user", "maya", "--out", "/proc/nixh-export");

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.TrimEnd().Should().StartWith("nixh: out: cannot be created: ");
        result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("one line, no stack trace");
    }
}

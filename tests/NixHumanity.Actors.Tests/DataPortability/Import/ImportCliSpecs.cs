using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;
using static NixHumanity.Actors.Tests.DataPortability.Import.ImportFiles;

namespace NixHumanity.Actors.Tests.DataPortability.Import;

public sealed class ImportCliSpecs : IDisposable
{
    private static readonly DateTimeOffset Past = DateTimeOffset.UtcNow.AddDays(-10);
    private readonly TempDataDirectory _data = new();
    private readonly TempDataDirectory _files = new();

    public void Dispose()
    {
        _data.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Nixh_import_reports_counts_and_skipped_rows_as_one_json_object_and_a_second_run_adds_nothing()
    {
        var path = Sqlite(Path.Combine(_files.Path, "assistant.sqlite"),
        [
            new Row(Iso(Past), "install vim", "install_package", Context("nix-env -iA nixpkgs.vim"), "success", 1.0),
            new Row(Iso(Past.AddSeconds(10)), "", "install_package"),
            new Row(Iso(Past.AddSeconds(20)), "install firefox", "install_package", Context("nix-env -iA nixpkgs.firefox"), "error"),
        ],
        patterns: [["command_preference", "{}", 0.5, 3L, Iso(Past)]],
        metrics: [["accuracy", 0.9, Iso(Past)], ["accuracy", 0.95, Iso(Past.AddDays(1))]]);

        var first = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("import", path, "--user", "rose", "--data-dir", _data.Path, "--json"));
        var second = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("import", path, "--user", "rose", "--data-dir", _data.Path, "--json"));
        var status = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--user", "rose", "--data-dir", _data.Path, "--json"));

        first.GetProperty("userId").GetString().Should().Be("rose");
        first.GetProperty("source").GetString().Should().Be(path);
        first.GetProperty("kind").GetString().Should().Be("sqlite");
        first.GetProperty("rows").GetInt64().Should().Be(3);
        first.GetProperty("imported").GetInt64().Should().Be(2);
        first.GetProperty("duplicates").GetInt64().Should().Be(0);
        var skipped = first.GetProperty("skipped").EnumerateArray().Should().ContainSingle().Subject;
        skipped.GetProperty("row").GetInt64().Should().Be(2);
        skipped.GetProperty("field").GetString().Should().Be("input_text");
        skipped.GetProperty("rule").GetString().Should().Be("must not be empty");
        first.GetProperty("patterns").GetProperty("imported").GetInt64().Should().Be(1);
        first.GetProperty("metrics").GetProperty("imported").GetInt64().Should().Be(2);
        second.GetProperty("imported").GetInt64().Should().Be(0);
        second.GetProperty("duplicates").GetInt64().Should().Be(2);
        second.GetProperty("metrics").GetProperty("duplicates").GetInt64().Should().Be(2);
        second.GetProperty("sequenceNr").GetInt64().Should().Be(first.GetProperty("sequenceNr").GetInt64());
        status.GetProperty("interactions").GetInt64().Should().Be(2);
        status.GetProperty("importedInteractions").GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task Strict_mode_and_a_file_that_is_not_what_it_claims_exit_2_with_one_line_and_import_nothing()
    {
        var learning = Json(Path.Combine(_files.Path, "learning.json"), new
        {
            commandHistory = new object[]
            {
                new { timestamp = Past.ToString("O"), input = "install vim", success = true, command = "nix-env -iA nixpkgs.vim" },
                new { timestamp = "soon", input = "install git", success = true },
            },
        });
        var notes = Path.Combine(_files.Path, "notes.json");
        await File.WriteAllTextAsync(notes, "remember to install vim");

        var strict = await NixhProcess.RunAsync("import", learning, "--user", "rose", "--strict", "--data-dir", _data.Path, "--json");
        var bogus = await NixhProcess.RunAsync("import", notes, "--user", "rose", "--data-dir", _data.Path, "--json");
        var status = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--user", "rose", "--data-dir", _data.Path, "--json"));

        strict.ExitCode.Should().Be(2);
        strict.StdOut.Should().BeEmpty();
        strict.StdErr.TrimEnd().Should().StartWith("nixh: commandHistory[2].timestamp: must be an ISO-8601 time").And.NotContain("\n");
        bogus.ExitCode.Should().Be(2);
        bogus.StdOut.Should().BeEmpty();
        bogus.StdErr.TrimEnd().Should().Be("nixh: file: is neither an SQLite database nor a learning.json file");
        status.GetProperty("interactions").GetInt64().Should().Be(0);
    }
}

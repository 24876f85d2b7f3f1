using System.Text.Json;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary><c>nixh search</c> and <c>nixh compact</c> through the real process.</summary>
public sealed class MemoryCliSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private Task<NixhProcess.Result> RecordAsync(string text, string command, string outcome) => NixhProcess.RunAsync(
        "record", "--data-dir", _data.Path, "--json", "--user", "rose", "--session", "morning", "--text", text, "--command", command, "--outcome", outcome);

    [Fact]
    public async Task Search_and_compact_print_json_with_the_documented_fields()
    {
        NixhProcess.SingleJsonObject(await RecordAsync("um I would like the fire fox browser please", "nix-env -iA nixpkgs.firefox", "success"));

        // A table version is one applied batch. `record` returns once the event is durable; whether that process's
        // memory applies it before exiting, or the next process's catch-up applies it together with later events, is
        // timing. A search answers only after applying everything journaled, so this one fixes version 1 = firefox.
        var first = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync(
            "search", "--data-dir", _data.Path, "--user", "rose", "fire fox", "--json"));
        first.GetProperty("version").GetInt64().Should().Be(1);
        NixhProcess.SingleJsonObject(await RecordAsync("the sound is not working", "systemctl --user restart pipewire", "failure"));

        var search = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync(
            "search", "--data-dir", _data.Path, "--user", "rose", "um can i get the fire fox thing", "--limit", "2", "--json"));
        var filtered = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync(
            "search", "--data-dir", _data.Path, "--user", "rose", "sound broken", "--where", "success_rate > 0.8", "--json"));
        var past = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync(
            "search", "--data-dir", _data.Path, "--user", "rose", "sound broken", "--as-of", "1", "--json"));

        search.GetProperty("userId").GetString().Should().Be("rose");
        search.GetProperty("query").GetString().Should().Be("um can i get the fire fox thing");
        search.GetProperty("version").GetInt64().Should().Be(2);
        var results = search.GetProperty("results").EnumerateArray().ToList();
        results.Should().HaveCount(2);
        var top = results[0];
        top.GetProperty("command").GetString().Should().Be("nix-env -iA nixpkgs.firefox");
        top.GetProperty("text").GetString().Should().Be("um I would like the fire fox browser please");
        top.GetProperty("id").GetString().Should().StartWith("cmd-");
        top.GetProperty("success_rate").GetDouble().Should().Be(1.0);
        top.GetProperty("user_satisfaction").ValueKind.Should().Be(JsonValueKind.Null);
        top.GetProperty("score").GetDouble().Should().BeGreaterThan(results[1].GetProperty("score").GetDouble());
        top.GetProperty("similarity").GetDouble().Should().BeInRange(0.3, 1.0);
        search.GetProperty("abstained").GetBoolean().Should().BeFalse("the request is about a remembered command");
        top.GetProperty("confidence").GetDouble().Should().BeInRange(0.2, 1.0).And.Be(search.GetProperty("best_confidence").GetDouble());
        filtered.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("command").GetString())
            .Should().Equal("nix-env -iA nixpkgs.firefox");
        past.GetProperty("version").GetInt64().Should().Be(1);
        past.GetProperty("results").EnumerateArray().Should().ContainSingle();

        var badWhere = await NixhProcess.RunAsync("search", "--data-dir", _data.Path, "--user", "rose", "sound", "--where", "success_rate >", "--json");
        badWhere.ExitCode.Should().Be(2);
        badWhere.StdErr.Should().StartWith("nixh: where: ");
        badWhere.StdOut.Should().BeEmpty();
        var badLimit = await NixhProcess.RunAsync("search", "--data-dir", _data.Path, "--user", "rose", "sound", "--limit", "0");
        badLimit.ExitCode.Should().Be(2);
        badLimit.StdErr.Should().StartWith("nixh: limit: ");

        var compact = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("compact", "--data-dir", _data.Path, "--user", "rose", "--json"));
        compact.GetProperty("versionsRemoved").GetInt32().Should().Be(2);
        compact.GetProperty("oldestReadableVersion").GetInt64().Should().Be(2);
        compact.GetProperty("summary").GetString().Should().Contain("no longer possible");
        var gone = await NixhProcess.RunAsync("search", "--data-dir", _data.Path, "--user", "rose", "sound", "--as-of", "1", "--json");
        gone.ExitCode.Should().Be(2);
        gone.StdErr.Should().StartWith("nixh: asOf: ");
    }

    [Fact]
    public async Task The_demo_finds_grandma_roses_loose_request_and_shows_dr_sarahs_memory_back_in_time()
    {
        var report = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("demo", "--data-dir", Path.Combine(_data.Path, "demo"), "--json"));
        var personas = report.GetProperty("personas").EnumerateArray().ToDictionary(p => p.GetProperty("userId").GetString()!);

        var rose = personas["grandma-rose"].GetProperty("searches").EnumerateArray().Single();
        rose.GetProperty("query").GetString().Should().Be("um can i get the fire fox thing");
        rose.GetProperty("results")[0].GetProperty("command").GetString().Should().Be("nix-env -iA nixpkgs.firefox");

        var sarah = personas["dr-sarah"].GetProperty("searches").EnumerateArray().ToList();
        sarah.Should().HaveCount(2);
        var (live, past) = (sarah[0], sarah[1]);
        past.GetProperty("version").GetInt64().Should().BeLessThan(live.GetProperty("version").GetInt64());
        past.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("command").GetString()).Should().Equal("nix-env -q | grep python");
        live.GetProperty("results")[0].GetProperty("command").GetString().Should().Contain("jupyter");
    }
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>
/// A verb prints the same and exits the same whether the data directory's owner serves it or it runs in its own
/// process: two data directories start equal, one is served, and every command runs against both.
/// </summary>
public sealed partial class ServedOutputSpecs : IDisposable
{
    private readonly TempDataDirectory _local = new();
    private readonly TempDataDirectory _served = new();

    public void Dispose()
    {
        _local.Dispose();
        _served.Dispose();
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")]
    private static partial Regex GeneratedId();

    /// <summary>One entry of the console logger: <c>fail: Category[0]</c> and its indented lines.</summary>
    [GeneratedRegex(@"^(?:trce|dbug|info|warn|fail|crit): .*\n(?:[ \t].*\n?)*", RegexOptions.Multiline)]
    private static partial Regex LogEntry();

    /// <summary>The score of a search hit: <c>"score":0.57…</c>, or the fourth column of the table.</summary>
    [GeneratedRegex(@"(?<before>""score"":)[0-9.eE-]+|(?<before>│ \d+ │[^│]*│[^│]*│ )\d\.\d{3}")]
    private static partial Regex Score();

    /// <summary>An ISO-8601 time that is not one the commands give (they all use 2026-03-02).</summary>
    [GeneratedRegex(@"(?!2026-03-02)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex WallClockTime();

    /// <summary>The fold's own time in a preference fragment's file name (<c>f-1796101496-…</c>).</summary>
    [GeneratedRegex(@"\bf-\d+-")]
    private static partial Regex FragmentStamp();

    /// <summary>A file's size or checksum in an export's answer.</summary>
    [GeneratedRegex(@"(?<key>""(?:bytes|sha256)"":)(?:""[^""]*""|\d+)")]
    private static partial Regex FileDigest();

    /// <summary>Each command, with <c>{data}</c> and <c>{base}</c> for its data directory and the folder around it.</summary>
    private static readonly string[] Commands =
    [
        "record --data-dir {data} --user rose --session s --text \"install firefox\" --command \"nix-env -iA nixpkgs.firefox\" --outcome success --at 2026-03-02T10:05:00Z",
        "record --data-dir {data} --json --user rose --session s --text \"install git\" --command \"nix-env -iA nixpkgs.git\" --outcome failure --at 2026-03-02T10:06:00Z",
        "record --data-dir {data} --user rose --session s --text \"\"",
        "record --data-dir {data} --user ../etc --session s --text x",
        "record --data-dir {data} --user rose --session s --text x --flow-score many",
        "notify --data-dir {data} --user rose --source system-update --at 2026-03-02T10:07:00Z",
        "notify --data-dir {data} --json --user rose --source backup --at 2026-03-02T10:08:00Z",
        "status --data-dir {data} --user rose",
        "status --data-dir {data} --user rose --json",
        "status --data-dir {data}",
        "search --data-dir {data} --user rose \"instal fire fox\"",
        "search --data-dir {data} --user rose --json \"instal fire fox\" --limit 2",
        "search --data-dir {data} --user rose \"x\" --where \"success_rate >\"",
        "query flow --data-dir {data}",
        "query interruptions --data-dir {data} --json",
        "query learning --data-dir {data} --user rose",
        "query nonsense --data-dir {data}",
        "fold --data-dir {data} --user rose --json",
        "preferences --data-dir {data} --user rose",
        "suggest --data-dir {data} --user rose --json",
        "record-biometrics --data-dir {data} --user rose --hrv 0.7 --attention 0.6 --flow-state 0.5 --at 2026-03-02T10:09:00Z --json",
        "record-biometrics --data-dir {data} --user rose --file {base}/missing.csv",
        "compact --data-dir {data} --user rose --json",
        "export --data-dir {data} --user rose --out {base}/export --json",
        "export --data-dir {data} --user rose --out {base}/export",
        "import {base}/missing.db --data-dir {data} --user maya",
        "forget --data-dir {data} --user nobody --json",
        "nosuchverb --data-dir {data}",
        "status --data-dir {data} --user rose --json --unknown-option",
    ];

    [Fact]
    public async Task Every_verb_prints_the_same_and_exits_the_same_served_or_not()
    {
        // A long-lived owner folds each person's new interactions by itself (every 30 s by default); on a slow run
        // that fold can fall between the two records, leaving two preference fragments where a fresh process's
        // explicit fold leaves one. The owner's own timer is not what is compared here, so it is set out of reach.
        await using var server = await NixhServer.StartAsync(_served.Path, "--fold-every", "86400");
        var differences = await DifferencesAsync();

        var (exitCode, ownerLog) = await server.StopAsync();
        differences.Should().BeEmpty("the owner logged: {0}", ownerLog);
        exitCode.Should().Be(0, ownerLog);
    }

    [Fact]
    public async Task Every_verb_prints_the_same_and_exits_the_same_beside_a_host_that_embeds_the_library()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(options =>
        {
            options.DataDirectory = _served.Path;
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };

            // As for nixh serve above: the host's own fold timer is not what is compared.
            options.FoldInterval = TimeSpan.FromDays(1);
        });
        using var host = builder.Build();
        await host.StartAsync();

        var differences = await DifferencesAsync();

        await host.StopAsync();
        differences.Should().BeEmpty();
    }

    /// <summary>Runs every command against the local and the served data directory; the pairs that differ.</summary>
    private async Task<List<string>> DifferencesAsync()
    {
        var differences = new List<string>();
        foreach (var command in Commands)
        {
            var local = await RunAsync(command, _local.Path);
            var served = await RunAsync(command, _served.Path);
            if (local != served)
            {
                differences.Add($"{command}\n  own process: {local}\n  served:      {served}");
            }
        }

        return differences;
    }

    private async Task<string> RunAsync(string command, string dataDirectory)
    {
        var folder = Path.GetDirectoryName(dataDirectory)!;
        var args = Tokens(command.Replace("{data}", dataDirectory).Replace("{base}", Path.Combine(folder, Path.GetFileName(dataDirectory) + "-out")));
        var result = await NixhProcess.RunAsync(args);
        string Normal(string text)
        {
            text = GeneratedId().Replace(text.Replace(dataDirectory, "{data}"), "{id}");
            // What the actor system logs (a slow start on a busy machine, say) goes to the owner's log when served
            // (docs/serve.md), so log entries are not part of the verb's answer compared here.
            text = LogEntry().Replace(text, "");
            // Times the tree stamps itself (a preference fragment's, a fold's) are the clock's, not the command's: also
            // the fold time in a fragment's name, which a fold's answer and an export's file list both print.
            text = FragmentStamp().Replace(WallClockTime().Replace(text, "{now}"), "f-{stamp}-");
            // An export lists its files with their sizes and checksums: a store a long-lived owner keeps open is laid
            // out on disk differently from one a fresh process has just closed, with the same rows (counts compared).
            text = command.StartsWith("export", StringComparison.Ordinal) ? FileDigest().Replace(text, "${key}{digest}") : text;
            // A search's score blends in the learner's preferences once the learner has sent them: a long-lived owner's
            // memory has them, a fresh process's first search may not yet. That is the state of the tree, not how the
            // answer is printed, so scores are left out of the comparison (confidence and similarity stay in).
            // The memory's table version is the journal position of its last change (docs/adr/0031), so it is compared.
            return command.StartsWith("search", StringComparison.Ordinal) ? Score().Replace(text, "${before}{score}")
                : text;
        }

        return $"exit {result.ExitCode} | stdout {Normal(result.StdOut)} | stderr {Normal(result.StdErr)}";
    }

    private static string[] Tokens(string command) =>
        Regex.Matches(command, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToArray();
}

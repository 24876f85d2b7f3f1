using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NixHumanity.Actors.Tests.DataPortability.Import;
using NixHumanity.Actors.Tests.Support;
using Xunit.Abstractions;

namespace NixHumanity.Actors.Tests.Input.Hostile;

/// <summary>
/// A fuzzing pass over the parsers of untrusted text: seeded mutations of valid <c>--where</c> predicates, biometrics
/// CSV files, <c>learning.json</c> files, export folders (the journal's JSON lines, with the manifest's checksum
/// recomputed so the mutation reaches the event checks) and SQLite imports (mutated cell values written through
/// SQLite into the interactions, patterns and evolution tables of a valid file, and the bytes of a valid file flipped,
/// zeroed or cut short). Every case must end (within a bound only a hang reaches) with
/// exit 0 or 2, never 1, with no .NET type name or stack trace on stderr, and a refused one must leave the data
/// directory's files as they were.
/// </summary>
/// <remarks>
/// CI runs <see cref="DefaultCases"/> cases with seed <see cref="DefaultSeed"/>. Run longer, or replay a failure:
/// <c>NIXH_FUZZ_SEED=123 NIXH_FUZZ_CASES=5000 dotnet test --filter FullyQualifiedName~HostileInputFuzzSpecs</c>;
/// a failure names its seed and case number (<c>NIXH_FUZZ_CASE=n</c> runs that case alone).
/// </remarks>
[Collection(ConsoleCollection.Name)]
public sealed class HostileInputFuzzSpecs(HostileInputFixture fixture, ITestOutputHelper output) : IClassFixture<HostileInputFixture>
{
    private const int DefaultSeed = 20261201;
    private const int DefaultCases = 200;

    private static readonly string[] Predicates =
    [
        "success_rate > 0.8 AND attempts >= 2",
        "command LIKE 'nix-env%' OR text LIKE '%vlc%'",
        "lower(command) = 'nix-env -ia nixpkgs.vlc' OR NOT (attempts BETWEEN 1 AND 3)",
        "id IN ('a', 'b') OR user_satisfaction IS NULL",
        "created_at >= '2025-01-01T00:00:00Z' AND length(text) < 100",
    ];

    /// <summary>Writes what a mutation made; a lone surrogate becomes U+FFFD, as any UTF-8 writer would store it.</summary>
    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private delegate Task<IReadOnlyList<string>> Target(Mutator mutator, int index);

    [Fact]
    public async Task Mutated_inputs_never_crash_hang_or_persist_a_refusal()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("NIXH_FUZZ_SEED"), out var s) ? s : DefaultSeed;
        var cases = int.TryParse(Environment.GetEnvironmentVariable("NIXH_FUZZ_CASES"), out var n) ? n : DefaultCases;
        var only = int.TryParse(Environment.GetEnvironmentVariable("NIXH_FUZZ_CASE"), out var c) ? c : (int?)null;
        Target[] targets = [WherePredicate, BiometricsCsv, LearningJson, ExportFolder, SqliteCells, SqliteBytes];
        var baseline = DataDirectorySnapshot.Of(fixture.DataDir);
        var outcomes = new Dictionary<int, int>();

        for (var index = only ?? 0; index < (only + 1 ?? cases); index++)
        {
            var mutator = new Mutator(CaseSeed(seed, index));
            var args = await targets[index % targets.Length](mutator, index);
            var replay = $"replay: NIXH_FUZZ_SEED={seed} NIXH_FUZZ_CASE={index} ({args[0]})";

            var result = await fixture.RunAsync(args);

            outcomes[result.ExitCode] = outcomes.GetValueOrDefault(result.ExitCode) + 1;
            result.ExitCode.Should().BeOneOf([0, 2], "{0}: {1}", replay, result.StdErr);
            result.StdErr.Should().NotContainAny(["Exception", "   at "], replay);
            result.StdErr.TrimEnd('\n').Where(char.IsControl).Should().BeEmpty("control characters are escaped ({0}: {1})", replay, result.StdErr);
            var now = DataDirectorySnapshot.Of(fixture.DataDir);
            if (result.ExitCode != 0)
            {
                now.Should().Equal(baseline, "a refused input persists nothing ({0}: {1})", replay, result.StdErr);
            }

            baseline = now;
        }

        output.WriteLine($"seed {seed}: exit codes {string.Join(", ", outcomes.Select(o => $"{o.Key}×{o.Value}"))}");
    }

    /// <summary>The case's own seed, the same in every process (<see cref="HashCode"/> is randomised per process, so it
    /// cannot make a failure replayable).</summary>
    private static int CaseSeed(int seed, int index) => unchecked((seed * 1_000_003) ^ (index * 7_919));

    private Task<IReadOnlyList<string>> WherePredicate(Mutator mutator, int index) =>
        Task.FromResult<IReadOnlyList<string>>(["search", "--user", "rose", "vlc", "--where", mutator.Mutate(Predicates[index / 4 % Predicates.Length])]);

    private async Task<IReadOnlyList<string>> BiometricsCsv(Mutator mutator, int index)
    {
        var valid = string.Join('\n', [HostileFiles.CsvHeader, .. Enumerable.Range(0, 3).Select(i => HostileFiles.CsvLine(HostileFiles.Past.AddMinutes(i)))]);
        var path = Path.Combine(fixture.Files, $"fuzz-{index}.csv");
        await File.WriteAllBytesAsync(path, Lenient.GetBytes(mutator.Mutate(valid)));
        return ["record-biometrics", "--user", $"fuzz{index}", "--file", path];
    }

    private async Task<IReadOnlyList<string>> LearningJson(Mutator mutator, int index)
    {
        var valid = new JsonObject { ["version"] = 2, ["commandHistory"] = new JsonArray([.. Enumerable.Range(0, 3).Select(HostileFiles.LearningEntry)]) };
        var path = Path.Combine(fixture.Files, $"fuzz-{index}.json");
        await File.WriteAllBytesAsync(path, Lenient.GetBytes(mutator.Mutate(valid.ToJsonString())));
        return ["import", "--user", $"fuzz{index}", path];
    }

    private async Task<IReadOnlyList<string>> ExportFolder(Mutator mutator, int index)
    {
        var folder = Path.Combine(fixture.Files, $"fuzz-export-{index}");
        HostileFiles.CopyFolder(Path.Combine(fixture.Files, "export-rose"), folder);
        var events = Path.Combine(folder, "journal", "events.jsonl");
        var mutated = Lenient.GetBytes(mutator.Mutate(await File.ReadAllTextAsync(events)));
        await File.WriteAllBytesAsync(events, mutated);

        // The manifest is made to agree, so the mutation is checked by the event rules rather than by the checksum.
        var manifestPath = Path.Combine(folder, "manifest.json");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!.AsObject();
        foreach (var file in manifest["files"]!.AsArray().Select(f => f!.AsObject()).Where(f => (string?)f["path"] == "journal/events.jsonl"))
        {
            file["bytes"] = mutated.Length;
            file["sha256"] = Convert.ToHexStringLower(SHA256.HashData(mutated));
        }

        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());
        return ["import", "--user", $"fuzz{index}", folder];
    }

    /// <summary>A valid assistant database whose one mutated cell (any column of any of the three tables) is written
    /// through SQLite, so the file is sound and the mutation reaches the import's row rules.</summary>
    private Task<IReadOnlyList<string>> SqliteCells(Mutator mutator, int index)
    {
        object?[] interaction = [ImportFiles.Iso(HostileFiles.Past), "install vim", "install", ImportFiles.Context("nix-env -iA nixpkgs.vim", "s1"), "success", 0.8];
        object?[] pattern = ["command_preference", "{}", 0.5, 3L, ImportFiles.Iso(HostileFiles.Past)];
        object?[] metric = ["accuracy", 0.9, ImportFiles.Iso(HostileFiles.Past)];
        var row = new[] { interaction, pattern, metric }[mutator.Next(3)];
        var cell = mutator.Next(row.Length);
        row[cell] = mutator.Mutate(Convert.ToString(row[cell], System.Globalization.CultureInfo.InvariantCulture) ?? "");
        var path = ImportFiles.Sqlite(
            Path.Combine(fixture.Files, $"fuzz-{index}.db"),
            [new(interaction[0], interaction[1], interaction[2], interaction[3], interaction[4], interaction[5]),
             new(ImportFiles.Iso(HostileFiles.Past.AddMinutes(1)), "install vlc", "install", ImportFiles.Context("nix-env -iA nixpkgs.vlc"), "failure", null)],
            [pattern], [metric]);
        return Task.FromResult<IReadOnlyList<string>>(["import", "--user", $"fuzz{index}", path]);
    }

    /// <summary>A valid assistant database whose bytes are flipped, zeroed or cut short.</summary>
    private async Task<IReadOnlyList<string>> SqliteBytes(Mutator mutator, int index)
    {
        var valid = ImportFiles.Sqlite(
            Path.Combine(fixture.Files, $"fuzz-{index}-valid.db"),
            Enumerable.Range(0, 20).Select(i => new ImportFiles.Row(
                ImportFiles.Iso(HostileFiles.Past.AddMinutes(i)), $"install package {i}", "install", ImportFiles.Context($"nix-env -iA nixpkgs.p{i}"), i % 3 == 0 ? "failure" : "success", 0.5)),
            [["command_preference", "{}", 0.5, 3L, ImportFiles.Iso(HostileFiles.Past)]],
            [["accuracy", 0.9, ImportFiles.Iso(HostileFiles.Past)]]);
        var path = Path.Combine(fixture.Files, $"fuzz-{index}.db");
        await File.WriteAllBytesAsync(path, mutator.MutateBytes(await File.ReadAllBytesAsync(valid)));
        return ["import", "--user", $"fuzz{index}", path];
    }
}

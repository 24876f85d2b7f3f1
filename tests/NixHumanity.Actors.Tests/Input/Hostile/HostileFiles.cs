using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NixHumanity.Actors.Tests.DataPortability.Import;

namespace NixHumanity.Actors.Tests.Input.Hostile;

/// <summary>
/// The files the hostile-input cases hand to <c>nixh</c> (<c>{files}/name</c> in a case's arguments): pipes, devices,
/// folders, links, and every file format (biometrics CSV, learning.json, the assistant's SQLite store, export folders)
/// broken in the ways a careless or hostile source would break it.
/// </summary>
internal static class HostileFiles
{
    public static readonly DateTimeOffset Past = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A valid biometrics CSV line for <paramref name="at"/>.</summary>
    public static string CsvLine(DateTimeOffset at, string hrv = "0.5", string attention = "0.5", string flow = "0.5") =>
        $"{at:yyyy-MM-dd'T'HH:mm:ss'Z'},{hrv},{attention},{flow}";

    public const string CsvHeader = "timestamp,hrv,attention,flow_state";

    /// <summary>A valid learning.json entry.</summary>
    public static JsonObject LearningEntry(int i) => new()
    {
        ["timestamp"] = Past.AddMinutes(i).ToString("O"),
        ["input"] = $"install package {i}",
        ["intent"] = "install_package",
        ["success"] = true,
        ["command"] = $"nix-env -iA nixpkgs.p{i}",
    };

    /// <summary>Writes every file into <paramref name="folder"/>; <paramref name="export"/> is a valid export of a user.</summary>
    public static void WriteAll(string folder, string export)
    {
        Directory.CreateDirectory(folder);
        string F(string name) => Path.Combine(folder, name);
        MakeFifo(F("fifo")).Should().Be(0);
        Directory.CreateDirectory(F("folder"));
        File.CreateSymbolicLink(F("link-to-fifo"), F("fifo"));
        File.CreateSymbolicLink(F("link-to-zero"), "/dev/zero");
        File.CreateSymbolicLink(F("dangling"), F("nowhere"));
        File.WriteAllBytes(F("empty"), []);
        File.WriteAllBytes(F("garbage.bin"), Enumerable.Range(0, 8192).Select(i => (byte)(i * 73 + 11)).ToArray());
        WriteCsvFiles(F);
        WriteLearningFiles(F);
        WriteSqliteFiles(F);
        WriteExports(folder, export);
    }

    private static void WriteCsvFiles(Func<string, string> F)
    {
        Csv(F("long-line.csv"), CsvHeader, new string('9', 300));
        Csv(F("bad-header.csv"), "time,hrv", CsvLine(Past));
        Csv(F("three-columns.csv"), CsvHeader, "2025-06-01T10:00:00Z,0.5,0.5");
        Csv(F("nan.csv"), CsvHeader, CsvLine(Past, hrv: "NaN"));
        Csv(F("infinite.csv"), CsvHeader, CsvLine(Past, attention: "Infinity"));
        Csv(F("out-of-range.csv"), CsvHeader, CsvLine(Past, flow: "1.5"));
        Csv(F("negative.csv"), CsvHeader, CsvLine(Past, hrv: "-3"));
        Csv(F("word.csv"), CsvHeader, CsvLine(Past, hrv: "high"));
        Csv(F("naive-time.csv"), CsvHeader, "2025-06-01T10:00:00,0.5,0.5,0.5");
        Csv(F("loose-time.csv"), CsvHeader, "June 1 2025,0.5,0.5,0.5");
        Csv(F("year-1900.csv"), CsvHeader, "1900-01-01T00:00:00Z,0.5,0.5,0.5");
        Csv(F("year-2999.csv"), CsvHeader, "2999-01-01T00:00:00Z,0.5,0.5,0.5");
        Csv(F("nul.csv"), CsvHeader, "2025-06-01T10:00:00Z,0.5\0,0.5,0.5");
        Csv(F("second-row-bad.csv"), CsvHeader, CsvLine(Past), CsvLine(Past.AddMinutes(1), hrv: "2"));
    }

    private static void WriteLearningFiles(Func<string, string> F)
    {
        File.WriteAllText(F("truncated.json"), "{\"commandHistory\": [{\"timestamp\": \"2025-06-01T10:00:00Z\", \"inp");
        File.WriteAllText(F("deep.json"), new string('[', 100_000) + new string(']', 100_000));
        File.WriteAllText(F("no-history.json"), "{\"version\": 2}");
        File.WriteAllText(F("history-object.json"), "{\"commandHistory\": {}}");
        Learning(F("lone-surrogate.json"), "{\"commandHistory\": [" + LearningEntry(0).ToJsonString() + ", {\"timestamp\": \"2025-06-01T10:00:00Z\", \"input\": \"bad \\ud800 text\"}]}");
        File.WriteAllBytes(F("invalid-utf8.json"), [.. Encoding.UTF8.GetBytes("{\"commandHistory\": [{\"timestamp\": \"2025-06-01T10:00:00Z\", \"input\": \"bad "), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}]}")]);
        LearningRow(F("nul-text.json"), "input", "ls\u0000rm -rf /");
        LearningRow(F("escape-text.json"), "input", "ls \u001b[2J");
        LearningRow(F("long-text.json"), "input", new string('x', 5000));
        LearningRow(F("year-1900.json"), "timestamp", "1900-01-01T00:00:00Z");
        LearningRow(F("year-2999.json"), "timestamp", "2999-01-01T00:00:00Z");
        LearningRow(F("success-word.json"), "success", "yes");
    }

    private static void WriteSqliteFiles(Func<string, string> F)
    {
        ImportFiles.Sqlite(F("recursive-view.db"), [], schema:
            "CREATE VIEW interactions AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x AS id, '' AS timestamp, '' AS input_text, '' AS intent, '' AS context, '' AS outcome, '' AS feedback FROM r;" +
            "CREATE TABLE patterns (id INTEGER); CREATE TABLE evolution (id INTEGER);");
        ImportFiles.Sqlite(F("missing-columns.db"), [], schema: "CREATE TABLE interactions (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE patterns (id INTEGER); CREATE TABLE evolution (id INTEGER);");
        ImportFiles.Sqlite(F("other-tables.db"), [], schema: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);");
        ImportFiles.Sqlite(F("flow-7.db"), [new(ImportFiles.Iso(Past), "install vim", "install", ImportFiles.Context("nix-env -iA nixpkgs.vim"), "success", 7.5)]);
        ImportFiles.Sqlite(F("nul-row.db"), [new(ImportFiles.Iso(Past), "ls\u0000rm -rf /", "install", null, "success", null)]);
        ImportFiles.Sqlite(F("year-2999.db"), [new("2999-01-01 00:00:00", "install vim", "install", null, "success", null)]);
    }

    private static void WriteExports(string folder, string export)
    {
        string Copy(string name)
        {
            var target = Path.Combine(folder, name);
            CopyFolder(export, target);
            return target;
        }

        var tampered = Copy("export-tampered");
        File.AppendAllText(Path.Combine(tampered, "journal", "events.jsonl"), "\n");
        var unlisted = Copy("export-unlisted");
        File.WriteAllText(Path.Combine(unlisted, "journal", "extra.jsonl"), "{}\n");
        var garbage = Copy("export-garbage-manifest");
        File.WriteAllText(Path.Combine(garbage, "manifest.json"), "{\"format\": ");
        var noFiles = Copy("export-no-files");
        Manifest(noFiles, m => m["files"] = new JsonArray());
        var wrongFormat = Copy("export-wrong-format");
        Manifest(wrongFormat, m => m["format"] = "nixh-export/999");
        var missing = Copy("export-missing-file");
        File.Delete(Path.Combine(missing, "journal", "events.jsonl"));
    }

    private static void Manifest(string export, Action<JsonObject> change)
    {
        var path = Path.Combine(export, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }

    public static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }

    private static void Csv(string path, params string[] lines) => File.WriteAllText(path, string.Join('\n', lines) + "\n");

    private static void Learning(string path, string json) => File.WriteAllText(path, json);

    private static void LearningRow(string path, string field, JsonNode value)
    {
        var bad = LearningEntry(1);
        bad[field] = value;
        File.WriteAllText(path, new JsonObject { ["commandHistory"] = new JsonArray(LearningEntry(0), bad) }.ToJsonString(
            new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode = 0b110_000_000);
}

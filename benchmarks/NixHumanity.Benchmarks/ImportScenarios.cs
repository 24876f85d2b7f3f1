using System.Diagnostics;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using NixHumanity.Actors.DataPortability.Import;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Benchmarks;

/// <summary>Migration from the old SQLite store: rows read and validated per second, rows journaled per second,
/// and a second (all-duplicate) run.</summary>
internal static class ImportScenarios
{
    public static async Task SqliteImportAsync(string workDir, int rows, BenchmarkReport report)
    {
        Console.Error.WriteLine($"import of an old SQLite store with {rows:N0} interactions");
        Directory.CreateDirectory(workDir);
        var source = Path.Combine(workDir, "nixos-assistant.db");
        WriteOldStore(source, rows);

        var options = new NixHumanityOptions { DataDirectory = Path.Combine(workDir, "data") };
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        var system = ActorSystem.Create("nixh-bench", NixHumanityConfig.Compose(options));
        try
        {
            var directory = system.ActorOf(UserDirectory.Props(options.ToUserSettings(), TimeProvider.System), "users");
            Task<HistoryImported> Send(ImportHistory chunk, CancellationToken _) => directory.Ask<HistoryImported>(chunk, TimeSpan.FromMinutes(1));

            var started = Stopwatch.GetTimestamp();
            var plan = ImportFile.Read(source, DateTimeOffset.UtcNow);
            var readSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            started = Stopwatch.GetTimestamp();
            var first = await HistoryImporter.RunAsync("sarah", plan, strict: false, Send);
            var writeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            started = Stopwatch.GetTimestamp();
            var again = await HistoryImporter.RunAsync("sarah", ImportFile.Read(source, DateTimeOffset.UtcNow), strict: false, Send);
            var againSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (first.Imported != rows || again.Duplicates != rows || again.Imported != 0)
            {
                throw new InvalidOperationException($"imported {first.Imported} then {again.Imported} (duplicates {again.Duplicates}), expected {rows} then 0");
            }

            report.Add($"import: read + validate SQLite rows ({rows:N0})", rows / readSeconds, "rows/s", "—", null);
            report.Add($"import: journal rows durably ({rows:N0}, chunks of {HistoryImporter.DefaultChunkSize})", rows / writeSeconds, "rows/s", "—", null);
            report.Add($"import: whole file, first run ({rows:N0})", readSeconds + writeSeconds, "s", "≤ 60 s", readSeconds + writeSeconds <= 60);
            report.Add($"import: same file again, all duplicates ({rows:N0})", againSeconds, "s", "—", null);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static void WriteOldStore(string path, int rows)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE interactions (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TEXT, input_text TEXT, intent TEXT, context TEXT, outcome TEXT, feedback);
                CREATE TABLE patterns (id INTEGER PRIMARY KEY AUTOINCREMENT, pattern_type TEXT, pattern_data TEXT, confidence REAL, usage_count INTEGER, last_used TEXT);
                CREATE TABLE evolution (id INTEGER PRIMARY KEY AUTOINCREMENT, metric_name TEXT, metric_value REAL, measured_at TEXT);
                """;
            create.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO interactions (timestamp, input_text, intent, context, outcome, feedback) VALUES ($t, $i, 'install_package', $c, $o, $f)";
        var t = insert.Parameters.Add("$t", SqliteType.Text);
        var i = insert.Parameters.Add("$i", SqliteType.Text);
        var c = insert.Parameters.Add("$c", SqliteType.Text);
        var o = insert.Parameters.Add("$o", SqliteType.Text);
        var f = insert.Parameters.Add("$f", SqliteType.Real);
        var start = DateTimeOffset.UtcNow.AddDays(-400);
        for (var n = 0; n < rows; n++)
        {
            t.Value = start.AddSeconds(n * 37).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss");
            i.Value = $"install package number {n} please";
            c.Value = $$"""{"command":"nix-env -iA nixpkgs.pkg{{n % 500}}","session_id":"s{{n / 50}}"}""";
            o.Value = n % 9 == 0 ? "failed" : "success";
            f.Value = (n % 5) / 4.0;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}

using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Tests.DataPortability.Import;

/// <summary>Builds files in the assistant's old formats, as the assistant itself would have written them.</summary>
public static class ImportFiles
{
    public const string Schema = """
        CREATE TABLE interactions (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TEXT, input_text TEXT, intent TEXT, context TEXT, outcome TEXT, feedback);
        CREATE TABLE patterns (id INTEGER PRIMARY KEY AUTOINCREMENT, pattern_type TEXT, pattern_data TEXT, confidence REAL, usage_count INTEGER, last_used TEXT);
        CREATE TABLE evolution (id INTEGER PRIMARY KEY AUTOINCREMENT, metric_name TEXT, metric_value REAL, measured_at TEXT);
        """;

    /// <summary>One <c>interactions</c> row: (timestamp, input_text, intent, context, outcome, feedback).</summary>
    public sealed record Row(object? Timestamp, object? InputText, object? Intent = null, object? Context = null, object? Outcome = null, object? Feedback = null);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss");

    public static string Context(string? command = null, string? sessionId = null) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["command"] = command, ["session_id"] = sessionId }.Where(kv => kv.Value is not null).ToDictionary());

    /// <summary>Creates (or extends) an SQLite database with the assistant's schema.</summary>
    public static string Sqlite(
        string path,
        IEnumerable<Row> interactions,
        IEnumerable<object?[]>? patterns = null,
        IEnumerable<object?[]>? metrics = null,
        string schema = Schema)
    {
        var exists = File.Exists(path);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        if (!exists)
        {
            Execute(connection, schema);
        }

        foreach (var row in interactions)
        {
            Execute(connection, "INSERT INTO interactions (timestamp, input_text, intent, context, outcome, feedback) VALUES ($1, $2, $3, $4, $5, $6)",
                row.Timestamp, row.InputText, row.Intent, row.Context, row.Outcome, row.Feedback);
        }

        foreach (var row in patterns ?? [])
        {
            Execute(connection, "INSERT INTO patterns (pattern_type, pattern_data, confidence, usage_count, last_used) VALUES ($1, $2, $3, $4, $5)", row);
        }

        foreach (var row in metrics ?? [])
        {
            Execute(connection, "INSERT INTO evolution (metric_name, metric_value, measured_at) VALUES ($1, $2, $3)", row);
        }

        transaction.Commit();
        return path;
    }

    public static string Json(string path, object content)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(content));
        return path;
    }

    private static void Execute(SqliteConnection connection, string sql, params object?[] values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"${i + 1}", values[i] ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }
}

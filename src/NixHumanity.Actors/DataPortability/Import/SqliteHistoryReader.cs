using Microsoft.Data.Sqlite;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>
/// Reads the assistant's SQLite database: checks that it is intact and has the assistant's schema
/// (<c>interactions</c>, and <c>patterns</c>/<c>evolution</c> when present), then reads every row in <c>rowid</c>
/// order through <see cref="SqliteRows"/>.
/// </summary>
internal static class SqliteHistoryReader
{
    private static readonly string[] InteractionColumns = ["id", "timestamp", "input_text", "intent", "context", "outcome", "feedback"];
    private static readonly string[] PatternColumns = ["id", "pattern_type", "pattern_data", "confidence", "usage_count", "last_used"];
    private static readonly string[] EvolutionColumns = ["id", "metric_name", "metric_value", "measured_at"];

    /// <summary>Reads and validates the database at <paramref name="path"/> (a full path).</summary>
    /// <exception cref="InvalidInputException">The file is damaged or not the assistant's schema.</exception>
    public static ImportPlan Read(string path, DateTimeOffset now, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        // Read-only and unpooled: the source is never changed and no handle outlives the import.
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            var tables = CheckSchema(connection);
            return ReadRows(connection, path, tables, now, progress, cancellationToken);
        }
        catch (SqliteException ex)
        {
            // Truncated or corrupt files get past the header check and fail on the first page they lack.
            throw ImportFile.FileRejected($"is not a readable SQLite database ({ex.Message.TrimEnd('.')})");
        }
    }

    /// <summary>Which optional tables the database has, after checking every table it has.</summary>
    private static (bool Patterns, bool Evolution) CheckSchema(SqliteConnection connection)
    {
        var check = Scalar(connection, "PRAGMA quick_check") as string;
        if (!string.Equals(check, "ok", StringComparison.Ordinal))
        {
            throw ImportFile.FileRejected($"is a damaged SQLite database (quick_check: {check})");
        }

        foreach (var (name, type) in ObjectTypes(connection))
        {
            // A view is evaluated on every read: a recursive one never ends, and none is the assistant's schema.
            if (!string.Equals(type, "table", StringComparison.Ordinal))
            {
                throw new InvalidInputException(new CommandRejected(name, $"must be a table (it is a {type})"));
            }
        }

        var interactionColumns = Columns(connection, "interactions");
        if (interactionColumns.Count == 0)
        {
            throw ImportFile.FileRejected("is an SQLite database without an interactions table (not the assistant's schema)");
        }

        RequireColumns("interactions", interactionColumns, InteractionColumns);
        var patternColumns = Columns(connection, "patterns");
        var evolutionColumns = Columns(connection, "evolution");
        if (patternColumns.Count > 0)
        {
            RequireColumns("patterns", patternColumns, PatternColumns);
        }

        if (evolutionColumns.Count > 0)
        {
            RequireColumns("evolution", evolutionColumns, EvolutionColumns);
        }

        return (patternColumns.Count > 0, evolutionColumns.Count > 0);
    }

    private static ImportPlan ReadRows(
        SqliteConnection connection, string path, (bool Patterns, bool Evolution) tables, DateTimeOffset now, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var rows = Count(connection, "interactions");
        var patternRows = tables.Patterns ? Count(connection, "patterns") : 0;
        var metricRows = tables.Evolution ? Count(connection, "evolution") : 0;
        var step = new ImportReadProgress(rows + patternRows + metricRows, progress, cancellationToken);
        var problems = new List<ImportProblem>();

        var interactions = new List<ImportedInteraction>((int)Math.Min(rows, int.MaxValue));
        ReadTable(connection, "interactions", InteractionColumns, step, interactions, (row, values) => SqliteRows.Interaction(row, values, now, problems));
        var patterns = new List<ImportedPattern>();
        if (tables.Patterns)
        {
            ReadTable(connection, "patterns", PatternColumns, step, patterns, (row, values) => SqliteRows.Pattern(row, values, now, problems));
        }

        var metrics = new List<ImportedMetric>();
        if (tables.Evolution)
        {
            ReadTable(connection, "evolution", EvolutionColumns, step, metrics, (row, values) => SqliteRows.Metric(row, values, now, problems));
        }

        return new ImportPlan(path, ImportSourceKind.Sqlite, rows, patternRows, metricRows, ImportRows.Chronological(interactions), patterns, metrics, problems);
    }

    /// <summary>Reads <paramref name="table"/> in <c>rowid</c> order, adding each row that <paramref name="parse"/> accepts.</summary>
    private static void ReadTable<T>(
        SqliteConnection connection, string table, string[] columns, ImportReadProgress step, List<T> into, Func<long, object?[], T?> parse) where T : class
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => $"\"{c}\""))} FROM \"{table}\" ORDER BY rowid";
        using var reader = command.ExecuteReader();
        var row = 0L;
        while (reader.Read())
        {
            var values = new object?[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            step.Step();
            if (parse(++row, values) is { } parsed)
            {
                into.Add(parsed);
            }
        }
    }

    /// <summary>The type (<c>table</c>, <c>view</c>, …) of each object named like a table the import reads.</summary>
    private static List<(string Name, string Type)> ObjectTypes(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT lower(name), type FROM sqlite_master WHERE lower(name) IN ('interactions', 'patterns', 'evolution') ORDER BY name";
        using var reader = command.ExecuteReader();
        var objects = new List<(string, string)>();
        while (reader.Read())
        {
            objects.Add((reader.GetString(0), reader.GetString(1)));
        }

        return objects;
    }

    private static HashSet<string> Columns(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table)";
        command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static void RequireColumns(string table, HashSet<string> present, string[] required)
    {
        var missing = required.Where(c => !present.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidInputException(new CommandRejected(table, $"is missing column {string.Join(", ", missing)} (not the assistant's schema)"));
        }
    }

    private static long Count(SqliteConnection connection, string table) => (long)Scalar(connection, $"SELECT COUNT(*) FROM \"{table}\"")!;

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>
/// Reads a file of the assistant's older stores into an <see cref="ImportPlan"/>: detects the kind from the content
/// (the SQLite header, or a JSON object), checks its shape, and validates every row, collecting bad rows with their
/// row numbers. A file that is not what it claims raises <see cref="InvalidInputException"/> on field <c>file</c>
/// (or the missing table/key); nothing is written by reading.
/// </summary>
/// <remarks>
/// Mapping of the SQLite <c>interactions</c> columns onto an interaction: <c>input_text</c> → text;
/// <c>intent</c> → intent; <c>context</c> (a JSON object) gives <c>command</c>, <c>session_id</c>/<c>sessionId</c>
/// (else the session is <c>imported</c>) and <c>command_type</c>/<c>commandType</c>; <c>outcome</c> text →
/// success (success, succeeded, ok, done, completed, true, 1, yes), failure (failure, failed, fail, error, false,
/// 0, no), anything else unknown; a numeric <c>feedback</c> in [0,1] → satisfaction (text feedback is not kept);
/// <c>timestamp</c> as ISO-8601 text or Unix seconds/milliseconds. <c>learning.json</c>'s <c>commandHistory</c>
/// entries map <c>input</c>, <c>intent</c>, <c>command</c>, <c>timestamp</c>, and <c>success</c> (true, false or
/// null/absent = unknown), in session <c>imported</c>.
/// </remarks>
public static class ImportFile
{
    /// <summary>Session id of imported interactions whose source names none.</summary>
    public const string DefaultSessionId = "imported";

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();
    private static readonly string[] InteractionColumns = ["id", "timestamp", "input_text", "intent", "context", "outcome", "feedback"];
    private static readonly string[] PatternColumns = ["id", "pattern_type", "pattern_data", "confidence", "usage_count", "last_used"];
    private static readonly string[] EvolutionColumns = ["id", "metric_name", "metric_value", "measured_at"];
    private const int ProgressEvery = 1000;

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="now">The current time (timestamps more than a day after it are rejected).</param>
    /// <param name="progress">Receives <c>read</c> progress, if given.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="InvalidInputException">The file is missing, unreadable, or not the kind it looks like.</exception>
    public static ImportPlan Read(string path, DateTimeOffset now, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(path))
        {
            throw FileRejected("is a directory, not a file");
        }

        if (!File.Exists(path))
        {
            throw FileRejected("does not exist");
        }

        var fullPath = Path.GetFullPath(path);
        var header = new byte[SqliteHeader.Length];
        int read;
        using (var stream = File.OpenRead(fullPath))
        {
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        if (read == header.Length && header.AsSpan().SequenceEqual(SqliteHeader))
        {
            return ReadSqlite(fullPath, now, progress, cancellationToken);
        }

        var first = FirstSignificantByte(header.AsSpan(0, read));
        return first switch
        {
            null when read == 0 => throw FileRejected("is empty"),
            (byte)'{' => ReadLearningJson(fullPath, now, progress, cancellationToken),
            (byte)'[' => throw FileRejected("is a JSON array, not a learning.json object with commandHistory"),
            _ => throw FileRejected("is neither an SQLite database nor a learning.json file"),
        };
    }

    // ---- SQLite -------------------------------------------------------------------------------------------------

    private static ImportPlan ReadSqlite(string path, DateTimeOffset now, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        // Read-only and unpooled: the source is never changed and no handle outlives the import.
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            var check = Scalar(connection, "PRAGMA quick_check") as string;
            if (!string.Equals(check, "ok", StringComparison.Ordinal))
            {
                throw FileRejected($"is a damaged SQLite database (quick_check: {check})");
            }

            var interactionColumns = Columns(connection, "interactions");
            if (interactionColumns.Count == 0)
            {
                throw FileRejected("is an SQLite database without an interactions table (not the assistant's schema)");
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

            var rows = Count(connection, "interactions");
            var patternRows = patternColumns.Count > 0 ? Count(connection, "patterns") : 0;
            var metricRows = evolutionColumns.Count > 0 ? Count(connection, "evolution") : 0;
            var total = rows + patternRows + metricRows;
            var done = 0L;
            void Step()
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (++done % ProgressEvery == 0 || done == total)
                {
                    progress?.Report(new ImportProgress("read", done, total));
                }
            }

            var problems = new List<ImportProblem>();
            var interactions = new List<ImportedInteraction>((int)Math.Min(rows, int.MaxValue));
            ForEachRow(connection, "interactions", InteractionColumns, (row, values) =>
            {
                Step();
                if (SqliteInteraction(row, values, now, problems) is { } interaction)
                {
                    interactions.Add(interaction);
                }
            });

            var patterns = new List<ImportedPattern>();
            if (patternColumns.Count > 0)
            {
                ForEachRow(connection, "patterns", PatternColumns, (row, values) =>
                {
                    Step();
                    if (SqlitePattern(row, values, now, problems) is { } pattern)
                    {
                        patterns.Add(pattern);
                    }
                });
            }

            var metrics = new List<ImportedMetric>();
            if (evolutionColumns.Count > 0)
            {
                ForEachRow(connection, "evolution", EvolutionColumns, (row, values) =>
                {
                    Step();
                    if (SqliteMetric(row, values, now, problems) is { } metric)
                    {
                        metrics.Add(metric);
                    }
                });
            }

            return new ImportPlan(path, ImportSourceKind.Sqlite, rows, patternRows, metricRows, Chronological(interactions), patterns, metrics, problems);
        }
        catch (SqliteException ex)
        {
            // Truncated or corrupt files get past the header check and fail on the first page they lack.
            throw FileRejected($"is not a readable SQLite database ({ex.Message.TrimEnd('.')})");
        }
    }

    private static ImportedInteraction? SqliteInteraction(long row, object?[] values, DateTimeOffset now, List<ImportProblem> problems)
    {
        const string table = "interactions";
        var (id, timestamp, inputText, intent, context, outcome, feedback) = (values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
        if (!TryTimestamp(timestamp, out var at))
        {
            return Bad(problems, table, row, "timestamp", TimestampRule);
        }

        if (inputText is byte[])
        {
            return Bad(problems, table, row, "input_text", "must be text");
        }

        var text = Text(inputText) ?? "";

        var intentText = Optional(Text(intent));
        string? command = null, sessionId = null, commandType = null;
        var contextText = Optional(Text(context));
        if (contextText is not null)
        {
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(contextText);
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Bad(problems, table, row, "context", "must be a JSON object");
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return Bad(problems, table, row, "context", "must be a JSON object");
            }

            if (!TryString(root, out command, "command") ||
                !TryString(root, out sessionId, "session_id", "sessionId") ||
                !TryString(root, out commandType, "command_type", "commandType"))
            {
                return Bad(problems, table, row, "context", "command, session_id and command_type must be strings when present");
            }
        }

        var satisfaction = default(double?);
        if (Number(feedback) is { } score)
        {
            if (!double.IsFinite(score) || score is < 0 or > 1)
            {
                return Bad(problems, table, row, "feedback", "must be a number between 0 and 1 when it is a number");
            }

            satisfaction = score;
        }

        var interaction = new ImportedInteraction(
            ImportKeys.For("sqlite", table, Raw(id), Raw(timestamp), Raw(inputText), Raw(intent), Raw(context), Raw(outcome), Raw(feedback)),
            Optional(sessionId) ?? DefaultSessionId,
            text,
            Optional(command),
            intentText,
            Optional(commandType),
            Outcome(Text(outcome)),
            satisfaction,
            at);
        return Checked(problems, table, row, interaction, now, SqliteFieldNames);
    }

    private static ImportedPattern? SqlitePattern(long row, object?[] values, DateTimeOffset now, List<ImportProblem> problems)
    {
        const string table = "patterns";
        var (id, type, data, confidence, usageCount, lastUsed) = (values[0], values[1], values[2], values[3], values[4], values[5]);
        var dataText = Optional(Text(data));
        if (dataText is not null && !IsJson(dataText))
        {
            return Bad<ImportedPattern>(problems, table, row, "pattern_data", "must be JSON");
        }

        var confidenceValue = Number(confidence);
        if (confidence is not null && confidenceValue is null)
        {
            return Bad<ImportedPattern>(problems, table, row, "confidence", "must be a number");
        }

        var usage = Number(usageCount);
        if ((usageCount is not null && usage is null) || (usage is { } u && (u != Math.Floor(u) || u > long.MaxValue)))
        {
            return Bad<ImportedPattern>(problems, table, row, "usage_count", "must be a whole number");
        }

        DateTimeOffset? lastUsedAt = null;
        if (lastUsed is not null)
        {
            if (!TryTimestamp(lastUsed, out var lastUsedValue))
            {
                return Bad<ImportedPattern>(problems, table, row, "last_used", TimestampRule);
            }

            lastUsedAt = lastUsedValue;
        }

        var pattern = new ImportedPattern(
            ImportKeys.For("sqlite", table, Raw(id), Raw(type), Raw(data), Raw(confidence), Raw(usageCount), Raw(lastUsed)),
            Text(type) ?? "",
            dataText,
            confidenceValue,
            usage is { } count ? (long)count : null,
            lastUsedAt);
        return ImportRules.Check(pattern, now) is { } rejection
            ? Bad<ImportedPattern>(problems, table, row, PatternFieldNames.GetValueOrDefault(rejection.Field, rejection.Field), rejection.Rule)
            : pattern;
    }

    private static ImportedMetric? SqliteMetric(long row, object?[] values, DateTimeOffset now, List<ImportProblem> problems)
    {
        const string table = "evolution";
        var (id, name, value, measuredAt) = (values[0], values[1], values[2], values[3]);
        if (Number(value) is not { } number)
        {
            return Bad<ImportedMetric>(problems, table, row, "metric_value", "must be a number");
        }

        if (!TryTimestamp(measuredAt, out var at))
        {
            return Bad<ImportedMetric>(problems, table, row, "measured_at", TimestampRule);
        }

        var metric = new ImportedMetric(ImportKeys.For("sqlite", table, Raw(id), Raw(name), Raw(value), Raw(measuredAt)), Text(name) ?? "", number, at);
        return ImportRules.Check(metric, now) is { } rejection
            ? Bad<ImportedMetric>(problems, table, row, MetricFieldNames.GetValueOrDefault(rejection.Field, rejection.Field), rejection.Rule)
            : metric;
    }

    private static readonly Dictionary<string, string> SqliteFieldNames = new(StringComparer.Ordinal)
    {
        ["text"] = "input_text", ["command"] = "context.command", ["sessionId"] = "context.session_id", ["commandType"] = "context.command_type",
        ["intent"] = "intent", ["at"] = "timestamp", ["satisfaction"] = "feedback",
    };

    private static readonly Dictionary<string, string> PatternFieldNames = new(StringComparer.Ordinal)
    {
        ["patternType"] = "pattern_type", ["patternData"] = "pattern_data", ["confidence"] = "confidence",
        ["usageCount"] = "usage_count", ["lastUsed"] = "last_used",
    };

    private static readonly Dictionary<string, string> MetricFieldNames = new(StringComparer.Ordinal)
    {
        ["metricName"] = "metric_name", ["value"] = "metric_value", ["measuredAt"] = "measured_at",
    };

    private static void ForEachRow(SqliteConnection connection, string table, string[] columns, Action<long, object?[]> onRow)
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

            onRow(++row, values);
        }
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

    // ---- learning.json ------------------------------------------------------------------------------------------

    private static ImportPlan ReadLearningJson(string path, DateTimeOffset now, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw FileRejected($"is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("commandHistory", out var history))
            {
                throw new InvalidInputException(new CommandRejected("commandHistory", "is missing: not a learning.json file"));
            }

            if (history.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidInputException(new CommandRejected("commandHistory", "must be an array"));
            }

            var total = history.GetArrayLength();
            var problems = new List<ImportProblem>();
            var interactions = new List<ImportedInteraction>(total);
            var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
            var row = 0L;
            foreach (var entry in history.EnumerateArray())
            {
                cancellationToken.ThrowIfCancellationRequested();
                row++;
                if (JsonInteraction(row, entry, now, occurrences, problems) is { } interaction)
                {
                    interactions.Add(interaction);
                }

                if (row % ProgressEvery == 0 || row == total)
                {
                    progress?.Report(new ImportProgress("read", row, total));
                }
            }

            return new ImportPlan(path, ImportSourceKind.LearningJson, total, 0, 0, Chronological(interactions), [], [], problems);
        }
    }

    private static ImportedInteraction? JsonInteraction(long row, JsonElement entry, DateTimeOffset now, Dictionary<string, int> occurrences, List<ImportProblem> problems)
    {
        const string table = "commandHistory";
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return Bad(problems, table, row, "entry", "must be a JSON object");
        }

        var timestamp = entry.TryGetProperty("timestamp", out var t) ? t : default;
        object? timestampValue = timestamp.ValueKind switch
        {
            JsonValueKind.String => timestamp.GetString(),
            JsonValueKind.Number => timestamp.GetDouble(),
            _ => null,
        };
        if (!TryTimestamp(timestampValue, out var at))
        {
            return Bad(problems, table, row, "timestamp", TimestampRule);
        }

        if (!TryString(entry, out var input, "input") || !TryString(entry, out var intent, "intent") || !TryString(entry, out var command, "command"))
        {
            var field = new[] { "input", "intent", "command" }.First(k => !TryString(entry, out _, k));
            return Bad(problems, table, row, field, "must be a string");
        }

        var outcome = InteractionOutcome.Unknown;
        if (entry.TryGetProperty("success", out var success))
        {
            switch (success.ValueKind)
            {
                case JsonValueKind.True:
                    outcome = InteractionOutcome.Success;
                    break;
                case JsonValueKind.False:
                    outcome = InteractionOutcome.Failure;
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    return Bad(problems, table, row, "success", "must be true, false or null");
            }
        }

        // learning.json has no row ids: the key is the entry's content plus which identical occurrence it is, so
        // repeated identical entries stay distinct and a later, longer file still matches the earlier entries.
        var content = string.Join('\u001f', timestamp.ValueKind == JsonValueKind.Undefined ? "" : timestamp.GetRawText(), input, intent, success.ValueKind == JsonValueKind.Undefined ? "" : success.GetRawText(), command);
        var occurrence = occurrences[content] = occurrences.GetValueOrDefault(content) + 1;
        var interaction = new ImportedInteraction(
            ImportKeys.For("learning-json", table, timestamp.GetRawText(), input, intent, success.ValueKind == JsonValueKind.Undefined ? null : success.GetRawText(), command, occurrence.ToString(CultureInfo.InvariantCulture)),
            DefaultSessionId,
            input ?? "",
            Optional(command),
            Optional(intent),
            null,
            outcome,
            null,
            at);
        return Checked(problems, table, row, interaction, now, JsonFieldNames);
    }

    private static readonly Dictionary<string, string> JsonFieldNames = new(StringComparer.Ordinal)
    {
        ["text"] = "input", ["command"] = "command", ["intent"] = "intent", ["at"] = "timestamp",
    };

    // ---- shared -------------------------------------------------------------------------------------------------

    private const string TimestampRule = "must be an ISO-8601 time or Unix seconds/milliseconds";

    private static ImportedInteraction? Checked(List<ImportProblem> problems, string table, long row, ImportedInteraction interaction, DateTimeOffset now, Dictionary<string, string> fieldNames) =>
        ImportRules.Check(interaction, now) is { } rejection
            ? Bad(problems, table, row, fieldNames.GetValueOrDefault(rejection.Field, rejection.Field), rejection.Rule)
            : interaction;

    private static T? Bad<T>(List<ImportProblem> problems, string table, long row, string field, string rule) where T : class
    {
        problems.Add(new ImportProblem(table, row, field, rule));
        return null;
    }

    private static ImportedInteraction? Bad(List<ImportProblem> problems, string table, long row, string field, string rule) =>
        Bad<ImportedInteraction>(problems, table, row, field, rule);

    private static List<ImportedInteraction> Chronological(List<ImportedInteraction> interactions) =>
        [.. interactions.OrderBy(i => i.At)]; // stable: equal times keep file order

    private static InteractionOutcome Outcome(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "success" or "succeeded" or "successful" or "ok" or "done" or "completed" or "complete" or "true" or "1" or "yes" => InteractionOutcome.Success,
        "failure" or "failed" or "fail" or "error" or "false" or "0" or "no" => InteractionOutcome.Failure,
        _ => InteractionOutcome.Unknown,
    };

    /// <summary>ISO-8601 text (no offset means UTC), or a Unix time in seconds (or milliseconds when above 10¹¹).</summary>
    internal static bool TryTimestamp(object? value, out DateTimeOffset at)
    {
        at = default;
        var number = value switch
        {
            long l => l,
            double d => d,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => (double?)null,
        };
        if (number is { } n)
        {
            if (!double.IsFinite(n))
            {
                return false;
            }

            var milliseconds = Math.Abs(n) >= 1e11 ? n : n * 1000;
            if (milliseconds < -62_135_596_800_000d || milliseconds > 253_402_300_799_000d)
            {
                return false;
            }

            at = DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
            return true;
        }

        return value is string text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }

    private static bool TryString(JsonElement obj, out string? value, params string[] names)
    {
        value = null;
        foreach (var name in names)
        {
            if (!obj.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (property.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            value = property.GetString();
            return true;
        }

        return true;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        long or double => Convert.ToString(value, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Blank optional fields in the old stores mean "absent", not "bad".</summary>
    private static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static double? Number(object? value) => value switch
    {
        long l => l,
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>A value's exact spelling for the import key (type-tagged so 1 and '1' differ).</summary>
    private static string? Raw(object? value) => value switch
    {
        null => null,
        string s => "s" + s,
        long l => "i" + l.ToString(CultureInfo.InvariantCulture),
        double d => "r" + d.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => "b" + Convert.ToBase64String(b),
        _ => "o" + Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte? FirstSignificantByte(ReadOnlySpan<byte> bytes)
    {
        var span = bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes;
        foreach (var b in span)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return b;
            }
        }

        return null;
    }

    private static InvalidInputException FileRejected(string rule) => new(new CommandRejected("file", rule));
}

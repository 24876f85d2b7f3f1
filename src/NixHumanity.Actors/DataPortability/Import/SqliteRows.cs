using System.Text.Json;
using NixHumanity.Actors.Session;
using static NixHumanity.Actors.DataPortability.Import.ImportRows;
using static NixHumanity.Actors.DataPortability.Import.ImportValues;

namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>
/// Turns one row of the assistant's SQLite tables into an imported interaction, pattern or metric, or records why
/// it cannot be imported (see <see cref="ImportFile"/> for the column mapping). Problems name the SQLite columns.
/// </summary>
internal static class SqliteRows
{
    private static readonly Dictionary<string, string> InteractionFieldNames = new(StringComparer.Ordinal)
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

    /// <summary>A row of <c>interactions</c> (id, timestamp, input_text, intent, context, outcome, feedback).</summary>
    public static ImportedInteraction? Interaction(long row, object?[] values, DateTimeOffset now, List<ImportProblem> problems)
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

        if (ContextRule(Optional(Text(context)), out var fromContext) is { } contextRule)
        {
            return Bad(problems, table, row, "context", contextRule);
        }

        var satisfaction = Number(feedback);
        if (satisfaction is { } score && (!double.IsFinite(score) || score is < 0 or > 1))
        {
            return Bad(problems, table, row, "feedback", "must be a number between 0 and 1 when it is a number");
        }

        var interaction = new ImportedInteraction(
            ImportKeys.For("sqlite", table, Raw(id), Raw(timestamp), Raw(inputText), Raw(intent), Raw(context), Raw(outcome), Raw(feedback)),
            Optional(fromContext.SessionId) ?? ImportFile.DefaultSessionId,
            Text(inputText) ?? "",
            Optional(fromContext.Command),
            Optional(Text(intent)),
            Optional(fromContext.CommandType),
            Outcome(Text(outcome)),
            satisfaction,
            at);
        return Checked(problems, table, row, interaction, now, InteractionFieldNames);
    }

    /// <summary>A row of <c>patterns</c> (id, pattern_type, pattern_data, confidence, usage_count, last_used).</summary>
    public static ImportedPattern? Pattern(long row, object?[] values, DateTimeOffset now, List<ImportProblem> problems)
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
        return Checked(problems, table, row, pattern, now, PatternFieldNames);
    }

    /// <summary>A row of <c>evolution</c> (id, metric_name, metric_value, measured_at).</summary>
    public static ImportedMetric? Metric(long row, object?[] values, DateTimeOffset now, List<ImportProblem> problems)
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
        return Checked(problems, table, row, metric, now, MetricFieldNames);
    }

    /// <summary>
    /// Reads the <c>context</c> column (absent, or a JSON object whose <c>command</c>, <c>session_id</c>/<c>sessionId</c>
    /// and <c>command_type</c>/<c>commandType</c> are strings when present); returns the rule it breaks, if any.
    /// </summary>
    private static string? ContextRule(string? contextText, out (string? Command, string? SessionId, string? CommandType) context)
    {
        context = default;
        if (contextText is null)
        {
            return null;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(contextText);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "must be a JSON object";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return "must be a JSON object";
        }

        if (!TryString(root, out var command, "command") ||
            !TryString(root, out var sessionId, "session_id", "sessionId") ||
            !TryString(root, out var commandType, "command_type", "commandType"))
        {
            return "command, session_id and command_type must be strings when present";
        }

        context = (command, sessionId, commandType);
        return null;
    }
}

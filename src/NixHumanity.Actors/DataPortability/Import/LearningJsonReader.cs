using System.Globalization;
using System.Text.Json;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using static NixHumanity.Actors.DataPortability.Import.ImportRows;
using static NixHumanity.Actors.DataPortability.Import.ImportValues;

namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>
/// Reads the assistant's <c>learning.json</c>: an object whose <c>commandHistory</c> array holds one entry per
/// interaction (see <see cref="ImportFile"/> for the mapping). Problems name the JSON keys.
/// </summary>
internal static class LearningJsonReader
{
    /// <summary>Largest learning.json accepted (64 MiB; the assistant's files are kilobytes to a few megabytes).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    private const string Table = "commandHistory";

    private static readonly Dictionary<string, string> FieldNames = new(StringComparer.Ordinal)
    {
        ["text"] = "input", ["command"] = "command", ["intent"] = "intent", ["at"] = "timestamp",
    };

    /// <summary>Reads and validates the file at <paramref name="path"/> (a full path).</summary>
    /// <exception cref="InvalidInputException">The file is not valid JSON or has no <c>commandHistory</c> array.</exception>
    public static ImportPlan Read(string path, DateTimeOffset now, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        using var document = Parse(path);
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
        var step = new ImportReadProgress(total, progress, cancellationToken);
        var problems = new List<ImportProblem>();
        var interactions = new List<ImportedInteraction>(total);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        var row = 0L;
        foreach (var entry in history.EnumerateArray())
        {
            step.Step();
            if (Interaction(++row, entry, now, occurrences, problems) is { } interaction)
            {
                interactions.Add(interaction);
            }
        }

        return new ImportPlan(path, ImportSourceKind.LearningJson, total, 0, 0, Chronological(interactions), [], [], problems);
    }

    private static JsonDocument Parse(string path)
    {
        // The document is parsed whole (about seven times its size in memory), so its size is capped.
        InputFile.Check("file", path, MaxBytes);
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw ImportFile.FileRejected($"is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }
    }

    private static ImportedInteraction? Interaction(long row, JsonElement entry, DateTimeOffset now, Dictionary<string, int> occurrences, List<ImportProblem> problems)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return Bad(problems, Table, row, "entry", "must be a JSON object");
        }

        var timestamp = entry.TryGetProperty("timestamp", out var t) ? t : default;
        object? timestampValue = timestamp.ValueKind switch
        {
            JsonValueKind.String => TryGetString(timestamp, out var text) ? text : null,
            JsonValueKind.Number => timestamp.GetDouble(),
            _ => null,
        };
        if (!TryTimestamp(timestampValue, out var at))
        {
            return Bad(problems, Table, row, "timestamp", TimestampRule);
        }

        if (!TryString(entry, out var input, "input") || !TryString(entry, out var intent, "intent") || !TryString(entry, out var command, "command"))
        {
            var field = new[] { "input", "intent", "command" }.First(k => !TryString(entry, out _, k));
            var isString = entry.GetProperty(field).ValueKind == JsonValueKind.String;
            return Bad(problems, Table, row, field, isString ? UnicodeRule : "must be a string");
        }

        var success = entry.TryGetProperty("success", out var s) ? s : default;
        if (SuccessOutcome(success) is not { } outcome)
        {
            return Bad(problems, Table, row, "success", "must be true, false or null");
        }

        // learning.json has no row ids: the key is the entry's content plus which identical occurrence it is, so
        // repeated identical entries stay distinct and a later, longer file still matches the earlier entries.
        var successText = success.ValueKind == JsonValueKind.Undefined ? null : success.GetRawText();
        var content = string.Join('\u001f', timestamp.ValueKind == JsonValueKind.Undefined ? "" : timestamp.GetRawText(), input, intent, successText ?? "", command);
        var occurrence = occurrences[content] = occurrences.GetValueOrDefault(content) + 1;
        var interaction = new ImportedInteraction(
            ImportKeys.For("learning-json", Table, timestamp.GetRawText(), input, intent, successText, command, occurrence.ToString(CultureInfo.InvariantCulture)),
            ImportFile.DefaultSessionId,
            input ?? "",
            Optional(command),
            Optional(intent),
            null,
            outcome,
            null,
            at);
        return Checked(problems, Table, row, interaction, now, FieldNames);
    }

    /// <summary><c>success</c>: true, false, or null/absent (unknown); anything else is not an outcome (null).</summary>
    private static InteractionOutcome? SuccessOutcome(JsonElement success) => success.ValueKind switch
    {
        JsonValueKind.True => InteractionOutcome.Success,
        JsonValueKind.False => InteractionOutcome.Failure,
        JsonValueKind.Null or JsonValueKind.Undefined => InteractionOutcome.Unknown,
        _ => null,
    };
}

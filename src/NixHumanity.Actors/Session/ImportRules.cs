using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Session;

/// <summary>
/// The edge rules of an <see cref="ImportHistory"/> chunk. The file readers report bad rows with their row
/// numbers before anything is sent; these checks make the actor safe for any other caller of the library too.
/// </summary>
internal static class ImportRules
{
    /// <summary>Most rows one chunk may carry, so that one write (and one reply) stays short.</summary>
    public const int MaxRowsPerChunk = 10_000;

    /// <summary>Longest pattern data (JSON text) accepted.</summary>
    public const int MaxPatternDataLength = 65_536;

    /// <summary>The first rule the chunk breaks, or null. Field names point at the item, e.g. <c>interactions[3].text</c>.</summary>
    public static CommandRejected? Check(ImportHistory cmd, DateTimeOffset now)
    {
        if (cmd.Interactions is null || cmd.Patterns is null || cmd.Metrics is null)
        {
            return new CommandRejected("interactions", "must not be null (pass an empty list)");
        }

        if (cmd.Interactions.Count + cmd.Patterns.Count + cmd.Metrics.Count > MaxRowsPerChunk)
        {
            return new CommandRejected("interactions", $"a chunk must hold at most {MaxRowsPerChunk} rows");
        }

        for (var i = 0; i < cmd.Interactions.Count; i++)
        {
            if (Check(cmd.Interactions[i], now) is { } rejection)
            {
                return Prefixed("interactions", i, rejection);
            }
        }

        for (var i = 0; i < cmd.Patterns.Count; i++)
        {
            if (Check(cmd.Patterns[i], now) is { } rejection)
            {
                return Prefixed("patterns", i, rejection);
            }
        }

        for (var i = 0; i < cmd.Metrics.Count; i++)
        {
            if (Check(cmd.Metrics[i], now) is { } rejection)
            {
                return Prefixed("metrics", i, rejection);
            }
        }

        return null;
    }

    /// <summary>The first rule an imported interaction breaks, or null.</summary>
    public static CommandRejected? Check(ImportedInteraction row, DateTimeOffset now) => InputRules.FirstOf(
        Key(row.ImportKey),
        InteractionContent(row.SessionId, row.Text, row.Command, row.Intent, row.CommandType, row.Outcome),
        InputRules.OptionalUnitScore("satisfaction", row.Satisfaction),
        InputRules.Timestamp("at", row.At, now));

    /// <summary>The first rule an imported pattern breaks, or null.</summary>
    public static CommandRejected? Check(ImportedPattern row, DateTimeOffset now) => InputRules.FirstOf(
        Key(row.ImportKey),
        InputRules.RequiredText("patternType", row.PatternType, InputRules.MaxShortFieldLength),
        InputRules.OptionalText("patternData", row.PatternData, MaxPatternDataLength),
        InputRules.OptionalUnitScore("confidence", row.Confidence),
        row.UsageCount is < 0 ? new CommandRejected("usageCount", "must not be negative") : null,
        row.LastUsed is { } lastUsed ? InputRules.Timestamp("lastUsed", lastUsed, now) : null);

    /// <summary>The first rule an imported metric breaks, or null.</summary>
    public static CommandRejected? Check(ImportedMetric row, DateTimeOffset now) => InputRules.FirstOf(
        Key(row.ImportKey),
        InputRules.RequiredText("metricName", row.MetricName, InputRules.MaxShortFieldLength),
        double.IsFinite(row.Value) ? null : new CommandRejected("value", "must be a finite number (not NaN or infinity)"),
        InputRules.Timestamp("measuredAt", row.MeasuredAt, now));

    /// <summary>
    /// The rules of what an interaction says, shared by a live recording, an imported row and a restored event:
    /// session id, text, command, intent, command type and outcome.
    /// </summary>
    internal static CommandRejected? InteractionContent(
        string? sessionId, string? text, string? command, string? intent, string? commandType, InteractionOutcome outcome) => InputRules.FirstOf(
        InputRules.Id("sessionId", sessionId),
        InputRules.RequiredText("text", text),
        InputRules.OptionalText("command", command),
        InputRules.OptionalText("intent", intent),
        InputRules.OptionalText("commandType", commandType),
        Enum.IsDefined(outcome) ? null : new CommandRejected("outcome", InteractionOutcomes.Rule));

    /// <summary>An import key must be <see cref="ImportKeys.Length"/> lower-case hex digits.</summary>
    internal static CommandRejected? Key(string? key) =>
        ImportKeys.IsValid(key) ? null : new CommandRejected("importKey", $"must be {ImportKeys.Length} lower-case hex digits");

    private static CommandRejected Prefixed(string list, int index, CommandRejected rejection) =>
        rejection with { Field = string.Create(CultureInfo.InvariantCulture, $"{list}[{index}].{rejection.Field}") };
}

namespace NixHumanity.Actors.Session;

// ---- Payload of an import (already parsed from the source file; not journaled as such) ----------------------

/// <summary>One historical interaction read from an older store.</summary>
/// <param name="ImportKey">Deterministic key of the source row (see <see cref="ImportKeys"/>); a key already in the
/// journal makes the row a duplicate.</param>
/// <param name="SessionId">The conversation, or <c>imported</c> when the source has none.</param>
/// <param name="Text">What the person said.</param>
/// <param name="Command">The command, if the source has one.</param>
/// <param name="Intent">The intent, if the source has one.</param>
/// <param name="CommandType">The command category, if the source has one.</param>
/// <param name="Outcome">Whether it worked.</param>
/// <param name="Satisfaction">The person's feedback as a number in [0,1], if the source has one.</param>
/// <param name="At">When it happened.</param>
public sealed record ImportedInteraction(
    string ImportKey,
    string SessionId,
    string Text,
    string? Command,
    string? Intent,
    string? CommandType,
    InteractionOutcome Outcome,
    double? Satisfaction,
    DateTimeOffset At);

/// <summary>One learned pattern of the old SQLite store (<c>patterns</c> table).</summary>
/// <param name="ImportKey">Deterministic key of the source row.</param>
/// <param name="PatternType">The pattern's kind, as the old store named it.</param>
/// <param name="PatternData">Its data, as JSON text.</param>
/// <param name="Confidence">Its confidence in [0,1], if given.</param>
/// <param name="UsageCount">How often it was used, if given.</param>
/// <param name="LastUsed">When it was last used, if given.</param>
public sealed record ImportedPattern(
    string ImportKey,
    string PatternType,
    string? PatternData,
    double? Confidence,
    long? UsageCount,
    DateTimeOffset? LastUsed);

/// <summary>One measurement of the old SQLite store (<c>evolution</c> table).</summary>
/// <param name="ImportKey">Deterministic key of the source row.</param>
/// <param name="MetricName">What was measured.</param>
/// <param name="Value">The value (finite).</param>
/// <param name="MeasuredAt">When.</param>
public sealed record ImportedMetric(string ImportKey, string MetricName, double Value, DateTimeOffset MeasuredAt);

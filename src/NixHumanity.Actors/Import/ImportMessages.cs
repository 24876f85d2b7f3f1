using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Import;

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

// ---- Command and reply ---------------------------------------------------------------------------------------

/// <summary>
/// Journals one chunk of history read from an older store. Rows whose import key is already known are counted as
/// duplicates and not journaled again. The chunk is validated as a whole (a bad item rejects it with
/// <see cref="Validation.CommandRejected"/>, nothing persisted), written with one <c>PersistAll</c>, and
/// acknowledged with <see cref="HistoryImported"/> once durable. Imported interactions never change the live flow
/// state (see docs/architecture.md, "Import").
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Source">Where the rows came from (a file path), for logs.</param>
/// <param name="Interactions">Historical interactions, oldest first.</param>
/// <param name="Patterns">Learned patterns.</param>
/// <param name="Metrics">Measurements.</param>
public sealed record ImportHistory(
    string UserId,
    string Source,
    IReadOnlyList<ImportedInteraction> Interactions,
    IReadOnlyList<ImportedPattern> Patterns,
    IReadOnlyList<ImportedMetric> Metrics) : ISessionMessage;

/// <summary>The chunk is durable. Counts are for this chunk only.</summary>
/// <param name="Interactions">Interactions journaled.</param>
/// <param name="InteractionDuplicates">Interactions skipped because they were imported before.</param>
/// <param name="Patterns">Patterns journaled.</param>
/// <param name="PatternDuplicates">Patterns skipped as imported before.</param>
/// <param name="Metrics">Metrics journaled.</param>
/// <param name="MetricDuplicates">Metrics skipped as imported before.</param>
/// <param name="SequenceNr">The user's last journal sequence number after the chunk.</param>
public sealed record HistoryImported(
    int Interactions,
    int InteractionDuplicates,
    int Patterns,
    int PatternDuplicates,
    int Metrics,
    int MetricDuplicates,
    long SequenceNr);

// ---- Events (journaled) --------------------------------------------------------------------------------------

/// <summary>A learned pattern was imported from the old store. Kept verbatim so that the learner can use it as a
/// prior and export can give it back; it does not change the session state beyond counts.</summary>
/// <param name="ImportKey">Deterministic key of the source row.</param>
/// <param name="PatternType">The pattern's kind.</param>
/// <param name="PatternData">Its data, as JSON text.</param>
/// <param name="Confidence">Its confidence in [0,1], if given.</param>
/// <param name="UsageCount">How often it was used, if given.</param>
/// <param name="LastUsed">When it was last used, if given.</param>
/// <param name="At">When it was last used, else when it was imported.</param>
public sealed record PatternImported(
    string ImportKey,
    string PatternType,
    string? PatternData,
    double? Confidence,
    long? UsageCount,
    DateTimeOffset? LastUsed,
    DateTimeOffset At) : ISessionEvent;

/// <summary>A measurement (the old store's <c>evolution</c> row) was imported.</summary>
/// <param name="ImportKey">Deterministic key of the source row.</param>
/// <param name="MetricName">What was measured.</param>
/// <param name="Value">The value.</param>
/// <param name="At">When it was measured.</param>
public sealed record MetricImported(string ImportKey, string MetricName, double Value, DateTimeOffset At) : ISessionEvent;

using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Session;

/// <summary>
/// Where the flow estimate over imported history stands: the score, time and success streak of the latest imported
/// interaction. Kept apart from the live flow state so that history never starts or ends live flow.
/// </summary>
/// <param name="Score">Flow score estimated after that interaction.</param>
/// <param name="At">Its time.</param>
/// <param name="Streak">Successes in a row up to it.</param>
internal sealed record HistoricalFlow(double Score, DateTimeOffset At, int Streak);

/// <summary>What an <see cref="ImportHistory"/> chunk turns into: the events to journal and the duplicates skipped.</summary>
/// <param name="Events">Events to persist, in order.</param>
/// <param name="Interactions">Interactions among them.</param>
/// <param name="InteractionDuplicates">Interactions skipped as already imported.</param>
/// <param name="Patterns">Patterns among them.</param>
/// <param name="PatternDuplicates">Patterns skipped as already imported.</param>
/// <param name="Metrics">Metrics among them.</param>
/// <param name="MetricDuplicates">Metrics skipped as already imported.</param>
internal sealed record ImportDecision(
    IReadOnlyList<ISessionEvent> Events,
    int Interactions,
    int InteractionDuplicates,
    int Patterns,
    int PatternDuplicates,
    int Metrics,
    int MetricDuplicates)
{
    /// <summary>The reply once the events are durable and the journal is at <paramref name="sequenceNr"/>.</summary>
    public HistoryImported Reply(long sequenceNr) =>
        new(Interactions, InteractionDuplicates, Patterns, PatternDuplicates, Metrics, MetricDuplicates, sequenceNr);
}

/// <summary>Import-related part of the session state: counts, the keys already imported, the history flow cursor.</summary>
internal sealed partial record SessionState
{
    /// <summary>Interactions imported from older stores (also counted in <see cref="Interactions"/>).</summary>
    public long ImportedInteractions { get; init; }

    /// <summary>Patterns imported from the old store.</summary>
    public long ImportedPatterns { get; init; }

    /// <summary>Measurements imported from the old store.</summary>
    public long ImportedMetrics { get; init; }

    /// <summary>The 64-bit compact form (<see cref="ImportKeys.Compact"/>) of every import key journaled so far.</summary>
    [JsonIgnore]
    public ImmutableHashSet<ulong> ImportedKeys { get; init; } = [];

    /// <summary>
    /// <see cref="ImportedKeys"/> as the snapshot stores it: sorted 8-byte keys in base64 (about 11 characters per
    /// imported row, rather than ~20 for a JSON number array); <c>null</c> when nothing was imported, so snapshots
    /// of people who never imported are unchanged.
    /// </summary>
    public string? ImportedKeyData
    {
        get => ImportKeys.Pack(ImportedKeys);
        init => ImportedKeys = [.. ImportKeys.Unpack(value)];
    }

    /// <summary>The flow estimate over imported history so far.</summary>
    public HistoricalFlow? ImportFlow { get; init; }

    /// <summary>
    /// The events an import chunk causes: one per row whose key is not yet known (in the chunk's order), none for
    /// duplicates. Each imported interaction gets a flow score estimated from the imported history alone (cadence
    /// and success streak, starting from zero after an idle gap or when the history goes back in time, e.g. a second
    /// file); the live flow score, flow periods and deferred notifications are left alone.
    /// </summary>
    /// <param name="cmd">The validated chunk.</param>
    /// <param name="now">The import time, used as the time of patterns that carry no last-used time.</param>
    /// <param name="newId">Makes an interaction id for a time.</param>
    /// <param name="flow">Flow options (smoothing, idle timeout).</param>
    public ImportDecision DecideImport(ImportHistory cmd, DateTimeOffset now, Func<DateTimeOffset, string> newId, FlowOptions flow)
    {
        var events = new List<ISessionEvent>(cmd.Interactions.Count + cmd.Patterns.Count + cmd.Metrics.Count);
        var seen = new HashSet<ulong>();
        bool IsNew(string key)
        {
            var compact = ImportKeys.Compact(key);
            return !ImportedKeys.Contains(compact) && seen.Add(compact);
        }

        var cursor = ImportFlow;
        var interactions = 0;
        foreach (var row in cmd.Interactions)
        {
            if (!IsNew(row.ImportKey))
            {
                continue;
            }

            var (gap, streak) = HistoricalStep(cursor, row.At, row.Outcome);
            var previous = cursor is not null && gap is { } g && g <= flow.IdleTimeout ? cursor.Score : 0;
            var score = FlowModel.Next(previous, gap, streak, interruptions: 0, supplied: null, hrv: null, attention: null, flow);
            events.Add(new InteractionRecorded(
                newId(row.At), cmd.UserId, row.SessionId, row.Text, row.Command, row.Intent, row.CommandType, row.Outcome,
                SuppliedFlowScore: null, HrvCoherence: null, Attention: null, score, row.At)
            {
                ImportKey = row.ImportKey,
                Satisfaction = row.Satisfaction,
            });
            cursor = new HistoricalFlow(score, row.At, streak);
            interactions++;
        }

        var patterns = 0;
        foreach (var row in cmd.Patterns.Where(p => IsNew(p.ImportKey)))
        {
            events.Add(new PatternImported(row.ImportKey, row.PatternType, row.PatternData, row.Confidence, row.UsageCount, row.LastUsed, row.LastUsed ?? now));
            patterns++;
        }

        var metrics = 0;
        foreach (var row in cmd.Metrics.Where(m => IsNew(m.ImportKey)))
        {
            events.Add(new MetricImported(row.ImportKey, row.MetricName, row.Value, row.MeasuredAt));
            metrics++;
        }

        return new ImportDecision(
            events,
            interactions,
            cmd.Interactions.Count - interactions,
            patterns,
            cmd.Patterns.Count - patterns,
            metrics,
            cmd.Metrics.Count - metrics);
    }

    private SessionState ApplyImported(InteractionRecorded e) => this with
    {
        Interactions = Interactions + 1,
        ImportedInteractions = ImportedInteractions + 1,
        ImportedKeys = ImportedKeys.Add(ImportKeys.Compact(e.ImportKey!)),
        ImportFlow = new HistoricalFlow(e.FlowScore, e.At, HistoricalStep(ImportFlow, e.At, e.Outcome).Streak),
    };

    private SessionState ApplyImported(PatternImported e) => this with
    {
        ImportedPatterns = ImportedPatterns + 1,
        ImportedKeys = ImportedKeys.Add(ImportKeys.Compact(e.ImportKey)),
    };

    private SessionState ApplyImported(MetricImported e) => this with
    {
        ImportedMetrics = ImportedMetrics + 1,
        ImportedKeys = ImportedKeys.Add(ImportKeys.Compact(e.ImportKey)),
    };

    /// <summary>The gap to the previous imported interaction and the streak including this one. History that goes back
    /// in time (another file, or an unsorted library caller) starts a fresh estimate.</summary>
    private static (TimeSpan? Gap, int Streak) HistoricalStep(HistoricalFlow? cursor, DateTimeOffset at, InteractionOutcome outcome)
    {
        var continues = cursor is not null && at >= cursor.At;
        var previousStreak = continues ? cursor!.Streak : 0;
        var streak = outcome switch
        {
            InteractionOutcome.Success => previousStreak + 1,
            InteractionOutcome.Failure => 0,
            _ => previousStreak,
        };
        return (continues ? at - cursor!.At : null, streak);
    }
}

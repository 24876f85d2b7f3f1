using System.Globalization;
using DuckDB.NET.Data;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// Projects session journal events into the <c>interactions</c>, <c>command_attempts</c> and <c>events</c> tables
/// and keeps the projection's checkpoint. A batch's rows and its new checkpoint are written in one transaction, so
/// after a crash either both or neither are on disk; an event at or below the checkpoint is a no-op.
/// </summary>
internal sealed class JournalProjection
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS checkpoint (
            projection VARCHAR NOT NULL,
            sequence_nr BIGINT NOT NULL,
            updated_at TIMESTAMP NOT NULL);
        CREATE TABLE IF NOT EXISTS interactions (
            seq BIGINT NOT NULL,
            interaction_id VARCHAR NOT NULL,
            session_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            timestamp TIMESTAMP NOT NULL,
            text VARCHAR NOT NULL,
            command VARCHAR,
            intent VARCHAR,
            command_type VARCHAR,
            outcome VARCHAR NOT NULL,
            flow_score DOUBLE NOT NULL,
            computed_flow_score DOUBLE NOT NULL,
            supplied_flow_score DOUBLE,
            hrv_coherence DOUBLE,
            attention_score DOUBLE);
        CREATE TABLE IF NOT EXISTS command_attempts (
            seq BIGINT NOT NULL,
            interaction_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            timestamp TIMESTAMP NOT NULL,
            command VARCHAR NOT NULL,
            success BOOLEAN NOT NULL,
            attempts BIGINT NOT NULL,
            successes BIGINT NOT NULL,
            success_rate DOUBLE NOT NULL);
        CREATE TABLE IF NOT EXISTS events (
            seq BIGINT NOT NULL,
            type VARCHAR NOT NULL,
            timestamp TIMESTAMP NOT NULL,
            notification_id VARCHAR,
            source VARCHAR,
            detail VARCHAR,
            flow_score DOUBLE,
            flow_period BIGINT);
        ALTER TABLE checkpoint ADD COLUMN IF NOT EXISTS event_fingerprint VARCHAR;
        """;

    private const string ProjectionName = "session-journal";

    private readonly AnalyticsDatabase _db;
    private readonly TimeProvider _clock;

    // Each attempt's success rate over the command's recent attempts in time order.
    private readonly AttemptRates _rates;

    // The flow period numbering of events.flow_period: the last period number given out and the one open now.
    private long _lastFlowPeriod;
    private long? _openFlowPeriod;

    private JournalProjection(AnalyticsDatabase db, TimeProvider clock)
    {
        _db = db;
        _clock = clock;
        _rates = AttemptRates.Open(db);
    }

    /// <summary>The journal sequence number of the last applied event (0 when none).</summary>
    public long Checkpoint { get; private set; }

    /// <summary>The fingerprint of the event at <see cref="Checkpoint"/> (<see cref="Projections.EventFingerprint"/>), or
    /// null when none was recorded (checkpoint 0, or a file from before fingerprints; its next batch writes one).</summary>
    public string? CheckpointFingerprint { get; private set; }

    /// <summary>Creates the tables when missing and reads the checkpoint and the flow period numbering.</summary>
    public static JournalProjection Open(AnalyticsDatabase db, TimeProvider clock)
    {
        db.Execute(Schema);
        var projection = new JournalProjection(db, clock);
        (projection.Checkpoint, projection.CheckpointFingerprint) = projection.ReadCheckpoint();
        projection.LoadFlowPeriods();
        return projection;
    }

    /// <summary>
    /// Projects the entries above the checkpoint in one transaction together with the new checkpoint; returns how
    /// many were applied.
    /// </summary>
    /// <exception cref="ArgumentException">Sequence numbers above the checkpoint are not increasing.</exception>
    public int ApplyBatch(IReadOnlyList<JournaledSessionEvent> entries)
    {
        var pending = AboveCheckpoint(entries);
        if (pending.Count == 0)
        {
            return 0;
        }

        var last = pending[^1].SequenceNr;
        var fingerprint = EventFingerprint.OfLast(pending);
        using var transaction = _db.BeginTransaction();
        try
        {
            // Rows go through DuckDB appenders, which join the connection's open transaction: the rows and the
            // checkpoint commit (or roll back) together. Single-row INSERTs managed only a few hundred events/s.
            using (var interactions = _db.CreateAppender("interactions"))
            using (var attempts = _db.CreateAppender("command_attempts"))
            using (var events = _db.CreateAppender("events"))
            {
                foreach (var entry in pending)
                {
                    Project(entry.SequenceNr, entry.Event, interactions, attempts, events);
                }
            }

            // Attempts that arrived after later ones of the same command change those commands' windows.
            _rates.RewriteLateCommands();
            WriteCheckpoint(last, fingerprint);
            transaction.Commit();
            Checkpoint = last;
            CheckpointFingerprint = fingerprint;
            return pending.Count;
        }
        catch
        {
            // The rolled-back rows may have advanced the recent attempts and periods; reload them from what committed.
            _rates.Reset();
            transaction.Rollback();
            LoadFlowPeriods();
            throw;
        }
    }

    private List<JournaledSessionEvent> AboveCheckpoint(IReadOnlyList<JournaledSessionEvent> entries)
    {
        var pending = new List<JournaledSessionEvent>(entries.Count);
        var last = Checkpoint;
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry);
            ArgumentNullException.ThrowIfNull(entry.Event);
            if (entry.SequenceNr <= Checkpoint)
            {
                continue;
            }

            if (entry.SequenceNr <= last)
            {
                // A caller bug (the journal hands out increasing numbers), not a person's input.
                throw new ArgumentException($"sequence numbers must increase (got {entry.SequenceNr} after {last})", nameof(entries));
            }

            last = entry.SequenceNr;
            pending.Add(entry);
        }

        return pending;
    }

    private void Project(long seq, ISessionEvent evt, DuckDBAppender interaction, DuckDBAppender attempt, DuckDBAppender eventRow)
    {
        switch (evt)
        {
            case InteractionRecorded recorded:
                ProjectInteraction(seq, recorded, interaction, attempt);
                break;
            case NotificationDelivered delivered:
                InsertEvent(eventRow, seq, "notification", delivered.At, delivered.NotificationId, delivered.Source, "delivered", null, _openFlowPeriod);
                break;
            case NotificationDeferred deferred:
                InsertEvent(eventRow, seq, "notification", deferred.At, deferred.NotificationId, deferred.Source, "deferred", null, _openFlowPeriod);
                break;
            case NotificationReleased released:
                // Not a new notification: the deferred one was already counted when it arrived.
                InsertEvent(eventRow, seq, "notification_released", released.At, released.NotificationId, released.Source, "released", null, null);
                break;
            case FlowStarted started:
                _openFlowPeriod = ++_lastFlowPeriod;
                InsertEvent(eventRow, seq, "flow_start", started.At, null, null, null, started.FlowScore, _openFlowPeriod);
                break;
            case FlowEnded ended:
                InsertEvent(eventRow, seq, "flow_end", ended.At, null, null, ended.Reason, ended.FlowScore, _openFlowPeriod);
                _openFlowPeriod = null;
                break;
            default:
                // Event kinds this projection does not know only advance the checkpoint, so a newer journal can
                // be replayed by an older learner without stalling it.
                break;
        }
    }

    private void ProjectInteraction(long seq, InteractionRecorded recorded, DuckDBAppender interaction, DuckDBAppender attempt)
    {
        var timestamp = recorded.At.UtcDateTime;
        var flowScore = recorded.SuppliedFlowScore ?? recorded.FlowScore;
        interaction.CreateRow()
            .AppendValue(seq)
            .AppendValue(recorded.InteractionId)
            .AppendValue(recorded.SessionId)
            .AppendValue(recorded.UserId)
            .AppendValue(timestamp)
            .AppendValue(recorded.Text)
            .AppendValue(recorded.Command)
            .AppendValue(recorded.Intent)
            .AppendValue(recorded.CommandType)
            .AppendValue(recorded.Outcome.ToWire())
            .AppendValue(flowScore)
            .AppendValue(recorded.FlowScore)
            .AppendValue(recorded.SuppliedFlowScore)
            .AppendValue(recorded.HrvCoherence)
            .AppendValue(recorded.Attention)
            .EndRow();

        // Only an attempt with a command and a known outcome says anything about mastery of that command.
        if (recorded.Command is not { Length: > 0 } command || recorded.Outcome == InteractionOutcome.Unknown)
        {
            return;
        }

        var success = recorded.Outcome == InteractionOutcome.Success;
        var (attempts, successes) = _rates.Add(command, timestamp, seq, success);

        attempt.CreateRow()
            .AppendValue(seq)
            .AppendValue(recorded.InteractionId)
            .AppendValue(recorded.UserId)
            .AppendValue(timestamp)
            .AppendValue(command)
            .AppendValue(success)
            .AppendValue(attempts)
            .AppendValue(successes)
            .AppendValue((double)successes / attempts)
            .EndRow();
    }

    private static void InsertEvent(DuckDBAppender appender, long seq, string type, DateTimeOffset at, string? notificationId, string? source, string? detail, double? flowScore, long? flowPeriod) =>
        appender.CreateRow()
            .AppendValue(seq)
            .AppendValue(type)
            .AppendValue(at.UtcDateTime)
            .AppendValue(notificationId)
            .AppendValue(source)
            .AppendValue(detail)
            .AppendValue(flowScore)
            .AppendValue(flowPeriod)
            .EndRow();

    private void LoadFlowPeriods()
    {
        using var command = _db.Prepare("""
            SELECT (SELECT COALESCE(MAX(flow_period), 0) FROM events),
                   (SELECT CASE WHEN type = 'flow_start' THEN flow_period END
                    FROM events WHERE type IN ('flow_start', 'flow_end') ORDER BY seq DESC LIMIT 1)
            """);
        using var reader = command.ExecuteReader();
        reader.Read();
        _lastFlowPeriod = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
        _openFlowPeriod = reader.IsDBNull(1) ? null : reader.GetInt64(1);
    }

    private (long SequenceNr, string? Fingerprint) ReadCheckpoint()
    {
        using var command = _db.Prepare("SELECT sequence_nr, event_fingerprint FROM checkpoint WHERE projection = $name");
        AnalyticsDatabase.Bind(command, "name", ProjectionName);
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), reader.IsDBNull(1) ? null : reader.GetString(1));
            }
        }

        using var insert = _db.Prepare("INSERT INTO checkpoint(projection, sequence_nr, updated_at) VALUES ($name, 0, $now)");
        AnalyticsDatabase.Bind(insert, "name", ProjectionName);
        AnalyticsDatabase.Bind(insert, "now", _clock.GetUtcNow().UtcDateTime);
        insert.ExecuteNonQuery();
        return (0, null);
    }

    private void WriteCheckpoint(long sequenceNr, string fingerprint)
    {
        using var update = _db.Prepare("UPDATE checkpoint SET sequence_nr = $seq, updated_at = $now, event_fingerprint = $fingerprint WHERE projection = $name");
        AnalyticsDatabase.Bind(update, "seq", sequenceNr);
        AnalyticsDatabase.Bind(update, "fingerprint", fingerprint);
        AnalyticsDatabase.Bind(update, "now", _clock.GetUtcNow().UtcDateTime);
        AnalyticsDatabase.Bind(update, "name", ProjectionName);
        update.ExecuteNonQuery();
    }
}

using System.Globalization;
using DuckDB.NET.Data;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The DuckDB analytics projection of one user's session journal (<c>analytics.duckdb</c>) plus the user's
/// biometric time series.
/// <para>
/// <b>Single owner.</b> The user's <c>LearnerActor</c> is the only code that opens this file: it creates the
/// store in <c>PreStart</c>, calls it from its message handlers (so calls never overlap) and disposes it in
/// <c>PostStop</c>. The class is therefore not thread-safe and takes no locks; DuckDB itself would also refuse a
/// second process opening the file for writing.
/// </para>
/// <para>
/// <b>Exactly once.</b> <see cref="Apply(long, ISessionEvent)"/> writes the projected rows and the new checkpoint
/// (the event's journal sequence number) in one transaction, so after a crash either both or neither are on
/// disk; an event at or below the checkpoint is a no-op. Deleting the file and replaying the journal from
/// sequence number 1 rebuilds it. Biometric samples are not journal events (they arrive at sensor rate), so they
/// are appended directly and are not rebuilt by a replay.
/// </para>
/// <para>
/// Timestamps are stored as UTC in <c>TIMESTAMP</c> columns (not <c>TIMESTAMPTZ</c>) so that
/// <c>date_trunc('week', …)</c> means an ISO week (Monday 00:00 UTC) whatever the machine's time zone.
/// </para>
/// </summary>
public sealed partial class AnalyticsStore : IDisposable
{
    /// <summary>The file name of the store inside the learner's folder.</summary>
    public const string FileName = "analytics.duckdb";

    /// <summary>Column names of the flow query.</summary>
    public static readonly IReadOnlyList<string> FlowColumns = ["user_id", "avg_flow_duration", "peak_coherence"];

    /// <summary>Column names of the weekly learning-curve query.</summary>
    public static readonly IReadOnlyList<string> LearningColumns = ["week", "mastery"];

    /// <summary>Column names of the interruption query.</summary>
    public static readonly IReadOnlyList<string> InterruptionColumns = ["flow_start", "flow_end", "interruptions"];

    /// <summary>
    /// Flow sessions: per session, the time from its first to its last interaction with <c>flow_score &gt; 0.7</c>
    /// (seconds; a session with a single such interaction lasts 0 s) and its highest HRV coherence among them;
    /// then per user the average of those durations and the highest coherence (<c>null</c> when no sensor
    /// supplied one).
    /// </summary>
    public const string FlowSql = """
        SELECT user_id,
               AVG(duration) AS avg_flow_duration,
               MAX(hrv_coherence) AS peak_coherence
        FROM (
            SELECT user_id, session_id,
                   date_diff('microsecond', MIN(timestamp), MAX(timestamp)) / 1e6 AS duration,
                   MAX(hrv_coherence) AS hrv_coherence
            FROM interactions
            WHERE flow_score > 0.7
            GROUP BY user_id, session_id
        ) flow_sessions
        GROUP BY user_id
        ORDER BY user_id
        """;

    /// <summary>Weekly learning curve, as in the strategy.</summary>
    public const string LearningSql = """
        SELECT date_trunc('week', timestamp) AS week, AVG(success_rate) AS mastery
        FROM command_attempts
        GROUP BY week
        ORDER BY week
        """;

    /// <summary>
    /// Interruptions: in journal order, each <c>flow_start</c> opens a flow period that the next <c>flow_end</c>
    /// closes, and every <c>notification</c> (delivered or deferred) journaled while a period is open counts as one
    /// interruption of it. A period that has not ended has <c>flow_end = null</c>; a <c>flow_start</c> while a
    /// period is open starts a new period (the old one is reported without an end).
    /// <para>
    /// The projection numbers the periods as it applies the events (<c>events.flow_period</c>: the open period,
    /// <c>null</c> outside flow), because it sees them in journal order anyway; the query is then one
    /// aggregation. Recovering the periods in SQL needs a window over all events sorted by time, which took
    /// 0.8–1.4 s on 1M events on this machine.
    /// </para>
    /// </summary>
    public const string InterruptionsSql = """
        SELECT MIN(timestamp) FILTER (WHERE type = 'flow_start') AS flow_start,
               MIN(timestamp) FILTER (WHERE type = 'flow_end') AS flow_end,
               COUNT(*) FILTER (WHERE type = 'notification') AS interruptions
        FROM events
        WHERE flow_period IS NOT NULL
        GROUP BY flow_period
        ORDER BY flow_period
        """;

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
        CREATE TABLE IF NOT EXISTS biometrics (
            timestamp TIMESTAMP NOT NULL,
            user_id VARCHAR NOT NULL,
            hrv DOUBLE NOT NULL,
            attention_score DOUBLE NOT NULL,
            flow_state DOUBLE NOT NULL);
        """;

    private const string ProjectionName = "session-journal";

    private readonly DuckDBConnection _connection;

    // Running (attempts, successes) per command, so each attempt's success_rate can be computed without a
    // lookup per row; filled lazily from the table and cleared whenever a transaction is rolled back.
    private readonly Dictionary<string, (long Attempts, long Successes)> _commandStats = new(StringComparer.Ordinal);
    private long _checkpoint;

    // The flow period numbering of events.flow_period: the last period number given out and the one open now.
    private long _lastFlowPeriod;
    private long? _openFlowPeriod;
    private bool _disposed;

    private AnalyticsStore(string path, DuckDBConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The journal sequence number of the last applied event (0 when none).</summary>
    public long Checkpoint => _checkpoint;

    /// <summary>Opens (creating when missing) the analytics database in <paramref name="folder"/>.</summary>
    /// <param name="folder">The learner's folder; created when missing.</param>
    public static AnalyticsStore Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, FileName);
        var connection = PerUserDuckDb.Connection(path);
        try
        {
            connection.Open();
            var store = new AnalyticsStore(path, connection);
            store.Execute(Schema);
            store._checkpoint = store.ReadCheckpoint();
            store.LoadFlowPeriods();
            store.Execute(FoldSchema);
            return store;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Projects one journal event. Returns <c>false</c> (and changes nothing) when <paramref name="sequenceNr"/>
    /// is at or below the checkpoint, i.e. the event was applied before.
    /// </summary>
    /// <param name="sequenceNr">The event's journal sequence number (≥ 1).</param>
    /// <param name="evt">The event.</param>
    public bool Apply(long sequenceNr, ISessionEvent evt) => ApplyBatch([new JournalEntry(sequenceNr, evt)]) == 1;

    /// <summary>
    /// Projects several journal events in one transaction together with the new checkpoint. Entries at or below
    /// the checkpoint are skipped; the rest must have strictly increasing sequence numbers (gaps are allowed).
    /// Returns how many entries were applied.
    /// </summary>
    /// <param name="entries">The events in journal order.</param>
    /// <exception cref="ArgumentException">Sequence numbers are not increasing.</exception>
    public int ApplyBatch(IReadOnlyList<JournalEntry> entries)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(entries);

        var pending = new List<JournalEntry>(entries.Count);
        var last = _checkpoint;
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry.Event);
            if (entry.SequenceNr <= _checkpoint)
            {
                continue;
            }

            if (entry.SequenceNr <= last)
            {
                throw new ArgumentException($"sequence numbers must increase (got {entry.SequenceNr} after {last})", nameof(entries));
            }

            last = entry.SequenceNr;
            pending.Add(entry);
        }

        if (pending.Count == 0)
        {
            return 0;
        }

        using var transaction = _connection.BeginTransaction();
        try
        {
            // Rows go through DuckDB appenders, which join the connection's open transaction: the rows and the
            // checkpoint commit (or roll back) together. Single-row INSERTs managed only a few hundred events/s.
            using (var interactions = _connection.CreateAppender("interactions"))
            using (var attempts = _connection.CreateAppender("command_attempts"))
            using (var events = _connection.CreateAppender("events"))
            {
                foreach (var entry in pending)
                {
                    Project(entry.SequenceNr, entry.Event, interactions, attempts, events);
                }
            }

            using (var update = Prepare("UPDATE checkpoint SET sequence_nr = $seq, updated_at = $now WHERE projection = $name"))
            {
                Bind(update, "seq", last);
                Bind(update, "now", DateTime.UtcNow);
                Bind(update, "name", ProjectionName);
                update.ExecuteNonQuery();
            }

            transaction.Commit();
            _checkpoint = last;
            return pending.Count;
        }
        catch
        {
            // The rolled-back rows may have advanced the running counts and periods; reload them from what committed.
            _commandStats.Clear();
            transaction.Rollback();
            LoadFlowPeriods();
            throw;
        }
    }

    /// <summary>Runs one of the strategy's queries.</summary>
    /// <param name="query">Which query.</param>
    public QueryResult Run(AnalyticsQuery query) => query switch
    {
        AnalyticsQuery.Flow => FlowSessions(),
        AnalyticsQuery.Learning => LearningCurve(),
        AnalyticsQuery.Interruptions => Interruptions(),
        _ => throw new ArgumentOutOfRangeException(nameof(query), query, AnalyticsQueries.Rule),
    };

    /// <summary>Runs <see cref="FlowSql"/>: <c>user_id</c>, <c>avg_flow_duration</c> (seconds), <c>peak_coherence</c>.</summary>
    public QueryResult FlowSessions() => RunSql(AnalyticsQuery.Flow, FlowSql, FlowColumns);

    /// <summary>Runs <see cref="LearningSql"/>: <c>week</c> (Monday 00:00 UTC), <c>mastery</c>.</summary>
    public QueryResult LearningCurve() => RunSql(AnalyticsQuery.Learning, LearningSql, LearningColumns);

    /// <summary>Runs <see cref="InterruptionsSql"/>: <c>flow_start</c>, <c>flow_end</c>, <c>interruptions</c>.</summary>
    public QueryResult Interruptions() => RunSql(AnalyticsQuery.Interruptions, InterruptionsSql, InterruptionColumns);

    /// <summary>
    /// Appends biometric samples through DuckDB's appender. Every sample is checked first (scores finite and in
    /// [0,1], a user id, a timestamp after 1970); the first bad one throws <see cref="InvalidInputException"/>
    /// naming the field and the sample's index, and nothing is appended.
    /// </summary>
    /// <param name="samples">The samples; appending them in time order keeps time-window queries fast (DuckDB
    /// skips row groups by their min/max timestamp).</param>
    public void AppendBiometrics(IReadOnlyList<BiometricSample> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(samples);
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (InputRules.Id($"samples[{i}].userId", sample.UserId) is { } rejection)
            {
                throw new InvalidInputException(rejection);
            }

            if (sample.Timestamp < DateTimeOffset.UnixEpoch)
            {
                throw Reject($"samples[{i}].timestamp", $"must not be before 1970-01-01 (was {sample.Timestamp:O})");
            }

            CheckUnit($"samples[{i}].hrv", sample.Hrv);
            CheckUnit($"samples[{i}].attentionScore", sample.AttentionScore);
            CheckUnit($"samples[{i}].flowState", sample.FlowState);
        }

        if (samples.Count == 0)
        {
            return;
        }

        using var appender = _connection.CreateAppender("biometrics");
        foreach (var sample in samples)
        {
            appender.CreateRow()
                .AppendValue(sample.Timestamp.UtcDateTime)
                .AppendValue(sample.UserId)
                .AppendValue(sample.Hrv)
                .AppendValue(sample.AttentionScore)
                .AppendValue(sample.FlowState)
                .EndRow();
        }
    }

    /// <summary>The average <c>flow_state</c> of the samples with <c>now - window &lt; timestamp ≤ now</c>.</summary>
    /// <param name="window">How far back to look; must be positive.</param>
    /// <param name="now">The end of the window.</param>
    public FlowStateAverage AverageFlowState(TimeSpan window, DateTimeOffset now)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (window <= TimeSpan.Zero)
        {
            throw Reject("window", $"must be positive (was {window})");
        }

        var from = now - window;
        using var command = Prepare("SELECT AVG(flow_state), COUNT(*) FROM biometrics WHERE timestamp > $from AND timestamp <= $to");
        Bind(command, "from", from.UtcDateTime);
        Bind(command, "to", now.UtcDateTime);
        using var reader = command.ExecuteReader();
        reader.Read();
        var average = reader.IsDBNull(0) ? (double?)null : reader.GetDouble(0);
        return new FlowStateAverage(average, reader.GetInt64(1), from, now);
    }

    /// <summary>Row counts of the projection's tables (for status output and tests).</summary>
    public IReadOnlyDictionary<string, long> TableCounts()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in new[] { "interactions", "command_attempts", "events", "biometrics" })
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            counts[table] = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        return counts;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _connection.Dispose();
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

        var (attempts, successes) = StatsOf(command);
        var success = recorded.Outcome == InteractionOutcome.Success;
        attempts++;
        successes += success ? 1 : 0;
        _commandStats[command] = (attempts, successes);

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

    private (long Attempts, long Successes) StatsOf(string command)
    {
        if (_commandStats.TryGetValue(command, out var stats))
        {
            return stats;
        }

        using var query = Prepare("SELECT attempts, successes FROM command_attempts WHERE command = $command ORDER BY attempts DESC LIMIT 1");
        Bind(query, "command", command);
        using var reader = query.ExecuteReader();
        stats = reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
        _commandStats[command] = stats;
        return stats;
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

    private QueryResult RunSql(AnalyticsQuery query, string sql, IReadOnlyList<string> columns)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(columns.Count, StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                row[columns[i]] = reader.IsDBNull(i) ? null : ToPlain(reader.GetValue(i));
            }

            rows.Add(row);
        }

        return new QueryResult(query, columns, rows);
    }

    // DuckDB hands back TIMESTAMP as an unspecified-kind DateTime (stored as UTC here) and counts as various
    // integer types; callers get one type per kind of value.
    private static object ToPlain(object value) => value switch
    {
        DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
        float f => (double)f,
        decimal d => (double)d,
        int i => (long)i,
        System.Numerics.BigInteger b => (long)b,
        ulong u => checked((long)u),
        _ => value,
    };

    private void LoadFlowPeriods()
    {
        using var command = Prepare("""
            SELECT (SELECT COALESCE(MAX(flow_period), 0) FROM events),
                   (SELECT CASE WHEN type = 'flow_start' THEN flow_period END
                    FROM events WHERE type IN ('flow_start', 'flow_end') ORDER BY seq DESC LIMIT 1)
            """);
        using var reader = command.ExecuteReader();
        reader.Read();
        _lastFlowPeriod = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
        _openFlowPeriod = reader.IsDBNull(1) ? null : reader.GetInt64(1);
    }

    private long ReadCheckpoint()
    {
        using var command = Prepare("SELECT sequence_nr FROM checkpoint WHERE projection = $name");
        Bind(command, "name", ProjectionName);
        var value = command.ExecuteScalar();
        if (value is null or DBNull)
        {
            using var insert = Prepare("INSERT INTO checkpoint VALUES ($name, 0, $now)");
            Bind(insert, "name", ProjectionName);
            Bind(insert, "now", DateTime.UtcNow);
            insert.ExecuteNonQuery();
            return 0;
        }

        return Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private DuckDBCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Bind(DuckDBCommand command, string name, object? value)
    {
        var existing = command.Parameters.IndexOf(name);
        if (existing >= 0)
        {
            command.Parameters[existing].Value = value ?? DBNull.Value;
        }
        else
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }
    }

    private static void CheckUnit(string field, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw Reject(field, $"must be a finite number between 0 and 1 (was {value.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    private static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));
}

/// <summary>One journal event with its sequence number, as the session actor publishes it.</summary>
/// <param name="SequenceNr">The journal sequence number.</param>
/// <param name="Event">The event.</param>
public readonly record struct JournalEntry(long SequenceNr, ISessionEvent Event);

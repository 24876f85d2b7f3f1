using DuckDB.NET.Data;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The strategy's three analytics queries over the journal projection (flow sessions, weekly learning curve,
/// interruptions of flow), their column names, how their rows are read into typed rows and how those read as named
/// cells.
/// </summary>
internal static class StrategyQueries
{
    /// <summary>Column names of the flow query.</summary>
    public static readonly IReadOnlyList<string> FlowColumns = ["user_id", "avg_flow_duration", "peak_coherence"];

    /// <summary>Column names of the weekly learning-curve query.</summary>
    public static readonly IReadOnlyList<string> LearningColumns = ["week", "mastery"];

    /// <summary>Column names of the interruption query.</summary>
    public static readonly IReadOnlyList<string> InterruptionColumns = ["flow_start", "flow_end", "interruptions"];

    /// <summary>
    /// Flow sessions, as the strategy writes them: per session, the time from its first to its last interaction with
    /// <c>flow_score &gt; 0.7</c> (seconds; a session with a single such interaction lasts 0 s) and the session's
    /// average HRV coherence among them (<c>avg_coherence</c>); then per user the average of those durations and the
    /// highest session average (<c>peak_coherence</c>, <c>null</c> when no sensor supplied one).
    /// </summary>
    public const string FlowSql = """
        SELECT user_id,
               AVG(duration) AS avg_flow_duration,
               MAX(avg_coherence) AS peak_coherence
        FROM (
            SELECT user_id, session_id,
                   date_diff('microsecond', MIN(timestamp), MAX(timestamp)) / 1e6 AS duration,
                   AVG(hrv_coherence) AS avg_coherence
            FROM interactions
            WHERE flow_score > 0.7
            GROUP BY user_id, session_id
        ) flow_sessions
        GROUP BY user_id
        ORDER BY user_id
        """;

    /// <summary>
    /// Weekly learning curve, as in the strategy: the average <c>success_rate</c> of the attempts in each ISO week.
    /// An attempt's <c>success_rate</c> is computed in time order (see <see cref="AttemptRates"/>), so history that
    /// arrives late (imported or back-dated) lands in its own weeks.
    /// </summary>
    public const string LearningSql = """
        SELECT date_trunc('week', timestamp) AS week, AVG(success_rate) AS mastery
        FROM command_attempts
        GROUP BY week
        ORDER BY week
        """;

    /// <summary>
    /// Interruptions, as the strategy counts them: every <c>notification</c> (delivered or deferred) whose
    /// <c>timestamp</c> lies <c>BETWEEN flow_start AND flow_end</c> (both bounds inclusive) counts as one
    /// interruption of that flow period, whatever the order in which the journal received it.
    /// <para>
    /// A period is a <c>flow_start</c> and the <c>flow_end</c> that closed it; the projection numbers them as the
    /// session journals its flow changes (<c>events.flow_period</c>), since a start and its end are the session's own
    /// pair. A period that has not ended (<c>flow_end = null</c>) counts notifications from its start until just before
    /// the next period's start, or without end when it is the latest.
    /// </para>
    /// <para>
    /// The count is the strategy's <c>BETWEEN</c>, computed as a difference of running counts: with <c>through(t)</c> =
    /// notifications timed at or before <c>t</c>, a period has <c>through(flow_end) − through(just before flow_start)</c>,
    /// each found by an <c>ASOF</c> join on the notifications sorted once by time. A range join of periods and
    /// notifications gives the same numbers but took over a minute on 100k events here.
    /// </para>
    /// </summary>
    public const string InterruptionsSql = """
        WITH periods AS (
            SELECT flow_period,
                   MIN(timestamp) FILTER (WHERE type = 'flow_start') AS flow_start,
                   MIN(timestamp) FILTER (WHERE type = 'flow_end') AS flow_end
            FROM events
            WHERE flow_period IS NOT NULL AND type IN ('flow_start', 'flow_end')
            GROUP BY flow_period
        ), bounded AS (
            SELECT flow_period, flow_start, flow_end,
                   COALESCE(flow_end,
                            LEAD(flow_start) OVER (ORDER BY flow_start, flow_period) - INTERVAL 1 MICROSECOND,
                            TIMESTAMP 'infinity') AS counted_until
            FROM periods
            WHERE flow_start IS NOT NULL
        ), notifications AS (
            SELECT timestamp, COUNT(*) OVER (ORDER BY timestamp) AS through
            FROM events
            WHERE type = 'notification'
        )
        SELECT p.flow_start, p.flow_end,
               GREATEST(COALESCE(upto.through, 0) - COALESCE(before.through, 0), 0) AS interruptions
        FROM bounded p
        ASOF LEFT JOIN notifications upto ON p.counted_until >= upto.timestamp
        ASOF LEFT JOIN notifications before ON p.flow_start > before.timestamp
        ORDER BY p.flow_start, p.flow_period
        """;

    /// <summary>The flow query's rows read as <see cref="QueryResult.Rows"/> (its columns are <see cref="FlowColumns"/>).</summary>
    public static readonly RowShape<FlowRow> FlowShape = new(FlowColumns, static (row, column) => column switch
    {
        0 => row.UserId,
        1 => row.AvgFlowDuration,
        _ => row.PeakCoherence,
    });

    /// <summary>The learning curve of every person: <c>user_id</c>, then <see cref="LearningColumns"/>.</summary>
    public static readonly RowShape<LearningCurveRow> LearningShapeWithUser = new(["user_id", .. LearningColumns], LearningCell);

    /// <summary>One person's learning curve: <see cref="LearningColumns"/>.</summary>
    public static readonly RowShape<LearningCurveRow> LearningShape = new(LearningColumns, LearningCell, skip: 1);

    /// <summary>The interruptions of every person: <c>user_id</c>, then <see cref="InterruptionColumns"/>.</summary>
    public static readonly RowShape<InterruptionRow> InterruptionShapeWithUser = new(["user_id", .. InterruptionColumns], InterruptionCell);

    /// <summary>One person's interruptions: <see cref="InterruptionColumns"/>.</summary>
    public static readonly RowShape<InterruptionRow> InterruptionShape = new(InterruptionColumns, InterruptionCell, skip: 1);

    /// <summary>Runs <see cref="FlowSql"/> on <paramref name="database"/>.</summary>
    internal static List<FlowRow> ReadFlow(AnalyticsDatabase database) =>
        Read(database, FlowSql, static reader => new FlowRow(
            reader.GetString(0),
            reader.GetDouble(1),
            reader.IsDBNull(2) ? null : reader.GetDouble(2)));

    /// <summary>Runs <see cref="LearningSql"/> on <paramref name="database"/>, the store of <paramref name="userId"/>.</summary>
    internal static List<LearningCurveRow> ReadLearningCurve(AnalyticsDatabase database, string userId) =>
        Read(database, LearningSql, reader => new LearningCurveRow(userId, Utc(reader.GetDateTime(0)), reader.GetDouble(1)));

    /// <summary>Runs <see cref="InterruptionsSql"/> on <paramref name="database"/>, the store of <paramref name="userId"/>.</summary>
    internal static List<InterruptionRow> ReadInterruptions(AnalyticsDatabase database, string userId) =>
        Read(database, InterruptionsSql, reader => new InterruptionRow(
            userId,
            Utc(reader.GetDateTime(0)),
            reader.IsDBNull(1) ? null : Utc(reader.GetDateTime(1)),
            reader.GetInt64(2)));

    private static object? LearningCell(LearningCurveRow row, int column) => column switch
    {
        0 => row.UserId,
        1 => row.Week,
        _ => row.Mastery,
    };

    private static object? InterruptionCell(InterruptionRow row, int column) => column switch
    {
        0 => row.UserId,
        1 => row.FlowStart,
        2 => row.FlowEnd,
        _ => row.Interruptions,
    };

    /// <summary>
    /// Reads every row of <paramref name="sql"/> straight into <typeparamref name="TRow"/>: columns by ordinal with
    /// DuckDB's typed getters, no value boxed and no dictionary per row (which cost the interruption query, with its
    /// 100,000 rows, more than the SQL itself; docs/adr/0034).
    /// </summary>
    private static List<TRow> Read<TRow>(AnalyticsDatabase database, string sql, Func<DuckDBDataReader, TRow> read)
    {
        // A query asked for by a person runs on the cores that are idle right now (QueryThreads); the count stays set
        // until the next query, since changing it restarts DuckDB's worker threads and costs more than it saves.
        QueryThreads.Lend(database);
        using DuckDBCommand command = database.Prepare(sql);
        using var reader = (DuckDBDataReader)command.ExecuteReader();
        var rows = new List<TRow>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    // DuckDB hands back TIMESTAMP as an unspecified-kind DateTime; the store keeps UTC there (AnalyticsStore).
    private static DateTimeOffset Utc(DateTime timestamp) => new(timestamp.Ticks, TimeSpan.Zero);
}

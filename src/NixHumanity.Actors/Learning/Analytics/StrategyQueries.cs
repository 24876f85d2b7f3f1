using DuckDB.NET.Data;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The strategy's three analytics queries over the journal projection (flow sessions, weekly learning curve,
/// interruptions of flow), their column names and how a result row is read back into plain .NET values.
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

    /// <summary>Runs <paramref name="query"/> on <paramref name="database"/>.</summary>
    internal static QueryResult Run(AnalyticsDatabase database, AnalyticsQuery query) => query switch
    {
        AnalyticsQuery.Flow => Run(database, query, FlowSql, FlowColumns),
        AnalyticsQuery.Learning => Run(database, query, LearningSql, LearningColumns),
        AnalyticsQuery.Interruptions => Run(database, query, InterruptionsSql, InterruptionColumns),
        _ => throw new ArgumentOutOfRangeException(nameof(query), query, AnalyticsQueries.Rule),
    };

    private static QueryResult Run(AnalyticsDatabase database, AnalyticsQuery query, string sql, IReadOnlyList<string> columns)
    {
        // The store runs on one DuckDB thread (many per-user stores share the machine); a query asked for by a person
        // borrows the cores that are idle right now and gives them back afterwards.
        using var threads = QueryThreads.Borrow(database);
        using DuckDBCommand command = database.Prepare(sql);
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
}

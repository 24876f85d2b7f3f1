using DuckDB.NET.Data;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The strategy's three analytics queries over the journal projection (flow sessions, weekly learning curve,
/// interruptions of flow), their column names and how a result row is read back into plain .NET values.
/// </summary>
public static class StrategyQueries
{
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

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The rows of an analytics query in a shape a CLI can print as JSON directly: each row maps the query's column
/// names (e.g. <c>user_id</c>, <c>avg_flow_duration</c>) to plain values — strings, <see cref="long"/>,
/// <see cref="double"/> (durations in seconds), <see cref="DateTimeOffset"/> (UTC timestamps) or <c>null</c>.
/// </summary>
/// <param name="Query">Which query produced the rows.</param>
/// <param name="Columns">The column names, in order.</param>
/// <param name="Rows">The rows; every row has exactly the keys in <paramref name="Columns"/>.</param>
public sealed record QueryResult(
    AnalyticsQuery Query,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);

/// <summary>The strategy's three analytics queries.</summary>
public enum AnalyticsQuery
{
    /// <summary>Average flow-session duration and peak HRV coherence per user (<c>query flow</c>).</summary>
    Flow,

    /// <summary>Weekly learning curve: average running success rate per week (<c>query learning</c>).</summary>
    Learning,

    /// <summary>Notifications between each flow start and the following flow end (<c>query interruptions</c>).</summary>
    Interruptions,
}

/// <summary>Parsing of query names as callers type them.</summary>
internal static class AnalyticsQueries
{
    /// <summary>The rule callers see when a query name is not recognised.</summary>
    public const string Rule = "must be one of flow, learning, interruptions";

    /// <summary>Parses <c>flow</c>, <c>learning</c> or <c>interruptions</c> (case-insensitive).</summary>
    public static bool TryParse(string? name, out AnalyticsQuery query)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "flow":
                query = AnalyticsQuery.Flow;
                return true;
            case "learning":
                query = AnalyticsQuery.Learning;
                return true;
            case "interruptions":
                query = AnalyticsQuery.Interruptions;
                return true;
            default:
                query = default;
                return false;
        }
    }

    /// <summary>Parses a query name or throws <see cref="Contracts.InvalidInputException"/> naming the field <c>query</c>.</summary>
    public static AnalyticsQuery Parse(string? name) =>
        TryParse(name, out var query)
            ? query
            : throw new Contracts.InvalidInputException(new Contracts.CommandRejected("query", $"{Rule} (was '{name}')"));

    /// <summary>
    /// Merges the flow query's rows from several users' stores (the fan-out of a cross-user query) into one
    /// result ordered by <c>user_id</c>. Each user's rows come from that user's own store, so a user id appearing
    /// in two inputs means the caller asked the same store twice; averaging averages would then be wrong, so it
    /// is refused rather than guessed.
    /// </summary>
    /// <param name="perUser">The flow results of each user's store.</param>
    /// <exception cref="ArgumentException">An input is not a flow result, or a user id appears twice.</exception>
    public static QueryResult MergeFlow(IEnumerable<QueryResult> perUser)
    {
        ArgumentNullException.ThrowIfNull(perUser);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in perUser)
        {
            if (result.Query != AnalyticsQuery.Flow)
            {
                throw new ArgumentException($"only flow results can be merged (got {result.Query})", nameof(perUser));
            }

            foreach (var row in result.Rows)
            {
                var userId = row["user_id"] as string ?? string.Empty;
                if (!seen.Add(userId))
                {
                    throw new ArgumentException($"user '{userId}' appears in more than one result", nameof(perUser));
                }

                rows.Add(row);
            }
        }

        rows.Sort((a, b) => string.CompareOrdinal(a["user_id"] as string, b["user_id"] as string));
        return new QueryResult(AnalyticsQuery.Flow, StrategyQueries.FlowColumns, rows);
    }
}

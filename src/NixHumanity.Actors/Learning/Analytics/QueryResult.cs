namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The rows of an analytics query by column name, in a shape a CLI can print as JSON directly: each row maps the
/// query's column names (e.g. <c>user_id</c>, <c>avg_flow_duration</c>) to plain values — strings, <see cref="long"/>,
/// <see cref="double"/> (durations in seconds), <see cref="DateTimeOffset"/> (UTC timestamps) or <c>null</c>.
/// </summary>
/// <remarks>
/// For code that knows which query it runs, the typed rows are the better fit: <see cref="FlowRow"/>,
/// <see cref="LearningCurveRow"/> and <see cref="InterruptionRow"/> from <c>NixHumanityClient.QueryFlowAsync</c>,
/// <c>QueryLearningCurveAsync</c> and <c>QueryInterruptionsAsync</c>. A result the library returns is a view over those
/// typed rows: a row's dictionary, and the boxed value of a cell, are made when they are read (docs/adr/0034).
/// </remarks>
/// <param name="Query">Which query produced the rows.</param>
/// <param name="Columns">The column names, in order.</param>
/// <param name="Rows">The rows; every row has exactly the keys in <paramref name="Columns"/>, in that order.</param>
public sealed record QueryResult(
    AnalyticsQuery Query,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows)
{
    /// <summary>The flow rows of one or more people as a result.</summary>
    internal static QueryResult Of(IReadOnlyList<FlowRow> rows) =>
        new(AnalyticsQuery.Flow, StrategyQueries.FlowShape.Columns, StrategyQueries.FlowShape.View(rows));

    /// <summary>Learning-curve rows as a result, with a leading <c>user_id</c> column when they are every person's.</summary>
    internal static QueryResult Of(IReadOnlyList<LearningCurveRow> rows, bool withUser) =>
        Of(AnalyticsQuery.Learning, rows, withUser ? StrategyQueries.LearningShapeWithUser : StrategyQueries.LearningShape);

    /// <summary>Interruption rows as a result, with a leading <c>user_id</c> column when they are every person's.</summary>
    internal static QueryResult Of(IReadOnlyList<InterruptionRow> rows, bool withUser) =>
        Of(AnalyticsQuery.Interruptions, rows, withUser ? StrategyQueries.InterruptionShapeWithUser : StrategyQueries.InterruptionShape);

    private static QueryResult Of<TRow>(AnalyticsQuery query, IReadOnlyList<TRow> rows, RowShape<TRow> shape) =>
        new(query, shape.Columns, shape.View(rows));
}

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
    /// Merges the flow rows of several users' stores (the fan-out of a cross-user query) into one list ordered by
    /// <c>user_id</c>. Each user's rows come from that user's own store, so a user id appearing in two inputs means the
    /// caller asked the same store twice; averaging averages would then be wrong, so it is refused rather than guessed.
    /// </summary>
    /// <param name="perUser">The flow rows of each user's store.</param>
    /// <exception cref="ArgumentException">A user id appears twice.</exception>
    public static List<FlowRow> MergeFlow(IEnumerable<IReadOnlyList<FlowRow>> perUser)
    {
        ArgumentNullException.ThrowIfNull(perUser);
        var rows = new List<FlowRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in perUser.SelectMany(result => result))
        {
            if (!seen.Add(row.UserId))
            {
                throw new ArgumentException($"user '{row.UserId}' appears in more than one result", nameof(perUser));
            }

            rows.Add(row);
        }

        rows.Sort(static (a, b) => string.CompareOrdinal(a.UserId, b.UserId));
        return rows;
    }

    /// <summary>The same merge for flow results by column name (<see cref="MergeFlow(IEnumerable{IReadOnlyList{FlowRow}})"/>).</summary>
    /// <param name="perUser">The flow results of each user's store.</param>
    /// <exception cref="ArgumentException">An input is not a flow result, or a user id appears twice.</exception>
    public static QueryResult MergeFlow(IEnumerable<QueryResult> perUser)
    {
        ArgumentNullException.ThrowIfNull(perUser);
        var typed = perUser.Select(result => result.Query == AnalyticsQuery.Flow
            ? FlowRowsOf(result)
            : throw new ArgumentException($"only flow results can be merged (got {result.Query})", nameof(perUser)));
        return QueryResult.Of(MergeFlow(typed.ToList()));
    }

    // A result the library made holds its typed rows; one built by hand from dictionaries is read by column name.
    private static IReadOnlyList<FlowRow> FlowRowsOf(QueryResult result) => result.Rows is RowList<FlowRow> view
        ? view.Rows
        : result.Rows.Select(row => new FlowRow(
                row["user_id"] as string ?? string.Empty,
                Convert.ToDouble(row["avg_flow_duration"], System.Globalization.CultureInfo.InvariantCulture),
                row["peak_coherence"] is { } peak ? Convert.ToDouble(peak, System.Globalization.CultureInfo.InvariantCulture) : null))
            .ToList();
}

using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// Per command, how much the person leans on it, read from <c>command_attempts</c>:
/// <c>(2·successes − attempts) / (attempts + 1)</c>, in (−1, 1) — frequent success pushes it towards 1, repeated
/// failure towards −1. The memory actor re-ranks its search with these after a fold.
/// </summary>
internal static class CommandAffinityQuery
{
    private const string Sql = """
        SELECT command, (2.0 * COUNT(*) FILTER (WHERE success) - COUNT(*)) / (COUNT(*) + 1)
        FROM command_attempts GROUP BY command
        """;

    /// <summary>The affinity of every command attempted so far.</summary>
    public static IReadOnlyDictionary<string, double> Read(AnalyticsDatabase db)
    {
        using var command = db.Prepare(Sql);
        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reader.Read())
        {
            result[reader.GetString(0)] = Convert.ToDouble(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return result;
    }
}

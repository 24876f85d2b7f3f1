using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// Moves the biometric samples that stores written before ADR 0015 kept inside <c>analytics.duckdb</c> into
/// <c>biometrics.duckdb</c>, once. The two steps cannot share a transaction (DuckDB writes one attached file per
/// transaction), so they are ordered to survive a crash in between: copy only into an empty target, then drop the old
/// table; after a crash between the two, the next open finds the target filled and only drops.
/// </summary>
internal static class BiometricsMove
{

    /// <summary>Moves the samples of <paramref name="analytics"/>'s <c>biometrics</c> table (if it has one) into the file at <paramref name="target"/>.</summary>
    public static void OutOf(AnalyticsDatabase analytics, string target)
    {
        if (!HasOldTable(analytics))
        {
            return;
        }

        // Unique: the learners of a process share one DuckDB instance, where attached names are global.
        var alias = $"moving_biometrics_{Guid.NewGuid():N}";
        analytics.Execute($"ATTACH {DuckDbLiteral.Of(target)} AS {alias}");
        try
        {
            analytics.Execute(BiometricSeries.Schema.Replace("EXISTS biometrics", $"EXISTS {alias}.biometrics", StringComparison.Ordinal));
            if (analytics.Count($"{alias}.biometrics") == 0)
            {
                // In time order, so time-window reads keep skipping row groups by their min/max timestamp.
                analytics.Execute($"INSERT INTO {alias}.biometrics SELECT timestamp, user_id, hrv, attention_score, flow_state FROM biometrics ORDER BY timestamp");
            }
        }
        finally
        {
            analytics.Execute($"DETACH {alias}");
        }

        analytics.Execute("DROP TABLE biometrics");
    }

    private static bool HasOldTable(AnalyticsDatabase analytics)
    {
        // A lookup of the one name rather than a filter over duckdb_tables(): in the learners' shared instance that
        // function lists the tables of every attached file, so each learner's open cost grew with the number of users
        // already open (a node reopening 1,000 users took 821 s; ADR 0047). DuckDB has no existence test that avoids
        // the listing; a bind of the bare name looks in this store's own catalog only.
        try
        {
            analytics.Execute("SELECT 1 FROM biometrics LIMIT 0");
            return true;
        }
        // DuckDB.NET reports this error with ErrorType Invalid; the message's kind is the reliable part.
        catch (DuckDBException exception) when (exception.Message.StartsWith("Catalog Error", StringComparison.Ordinal))
        {
            return false;
        }
    }
}

using System.Globalization;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// Loads an export's <c>learner/biometrics.parquet</c> back into a person's <c>biometrics.duckdb</c>, keeping every
/// sample's original time. Only into a person without samples (a restore, not a merge), and only when every sample
/// keeps the rules a recorded one had to meet; otherwise nothing is loaded.
/// </summary>
internal static class BiometricsRestore
{
    /// <summary>Loads the samples of <paramref name="parquetFile"/> as samples of <paramref name="userId"/>; returns how many.</summary>
    public static long Load(AnalyticsDatabase db, string parquetFile, string userId)
    {
        if (db.Count(BiometricSeries.Table) > 0)
        {
            throw Reject("this person already has biometric samples; a restore only fills a person without them");
        }

        if (!File.Exists(parquetFile))
        {
            return 0;
        }

        // The path is quoted; nothing else caller-typed reaches the SQL (the user id is a bound parameter).
        var source = $"read_parquet({DuckDbLiteral.Of(parquetFile)})";
        using (var check = db.Prepare($"""
            SELECT COUNT(*) FILTER (WHERE timestamp IS NULL OR timestamp < TIMESTAMP '1970-01-01'
                                       OR NOT (hrv BETWEEN 0 AND 1) OR NOT (attention_score BETWEEN 0 AND 1)
                                       OR NOT (flow_state BETWEEN 0 AND 1)
                                       OR hrv IS NULL OR attention_score IS NULL OR flow_state IS NULL)
            FROM {source}
            """))
        {
            var bad = Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (bad > 0)
            {
                throw Reject($"{bad} exported samples have a score outside [0,1] or a time before 1970; nothing was restored");
            }
        }

        using var insert = db.Prepare($"""
            INSERT INTO biometrics
            SELECT CAST(timestamp AS TIMESTAMP), $user, hrv, attention_score, flow_state FROM {source} ORDER BY timestamp
            """);
        AnalyticsDatabase.Bind(insert, "user", userId);
        return insert.ExecuteNonQuery();
    }

    private static InvalidInputException Reject(string rule) => new(new CommandRejected("biometrics", rule));
}

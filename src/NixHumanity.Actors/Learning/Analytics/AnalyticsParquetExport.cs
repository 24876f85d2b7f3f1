using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>Export of the analytics tables as Parquet files (DuckDB <c>COPY … (FORMAT parquet)</c>).</summary>
internal static class AnalyticsParquetExport
{
    /// <summary>The tables an export writes, with what each holds.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tables = new Dictionary<string, string>
    {
        ["interactions"] = "every interaction as projected from the journal",
        ["command_attempts"] = "command attempts with their recent success rates in time order",
        ["events"] = "notifications and flow starts/ends with their flow period",
        ["biometrics"] = "biometric samples with their original times (not in the journal; a restore loads them back)",
        ["folds"] = "the fold log: when each preference fragment was written and from which interactions",
        ["transition_counts"] = "next-command transition counts",
    };

    /// <summary>
    /// Writes each of <see cref="Tables"/> (from the database <paramref name="databaseOf"/> names for it) to
    /// <c>&lt;folder&gt;/&lt;table&gt;.parquet</c>; returns the row counts of
    /// <paramref name="counts"/> completed with the exported tables.
    /// </summary>
    internal static IReadOnlyDictionary<string, long> Write(Func<string, AnalyticsDatabase> databaseOf, string folder, IReadOnlyDictionary<string, long> counts)
    {
        Directory.CreateDirectory(folder);
        var result = counts.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var table in Tables.Keys)
        {
            var db = databaseOf(table);
            var path = DuckDbLiteral.Of(Path.Combine(folder, table + ".parquet"));
            // The table names are the constants above and the path is quoted, so nothing caller-typed reaches the SQL.
            db.Execute($"COPY (SELECT * FROM {table}) TO {path} (FORMAT parquet)");
            if (!result.ContainsKey(table))
            {
                result[table] = db.Count(table);
            }
        }

        return result;
    }
}

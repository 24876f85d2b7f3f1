using System.Globalization;
using System.Text;

namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// The time-travel read answered by DuckDB from the fragment files: <c>read_parquet</c> over the fragments whose
/// user, feature and time ranges can contribute, then per coordinate <c>arg_max</c> by (time, seq). Slower than
/// the in-memory <see cref="TensorVersionIndex"/> — each file costs about a millisecond to open — but independent
/// of it, so the tests and the benchmark use it to check the index.
/// </summary>
internal static class FragmentDiskReader
{
    /// <summary>Per coordinate the latest cell with time ≤ <paramref name="at"/> (seconds), ordered by user and feature.</summary>
    public static IReadOnlyList<TensorValue> Read(FragmentFiles files, IReadOnlyList<FragmentInfo> fragments, long at, int? userId, FeatureRange? features)
    {
        var names = fragments
            .Where(f => f.MinTime.ToUnixTimeSeconds() <= at
                        && (userId is not { } user || (f.MinUserId <= user && user <= f.MaxUserId))
                        && (features is null || (f.MinFeature <= features.Last && features.First <= f.MaxFeature)))
            .Select(f => f.FileName)
            .ToList();
        if (names.Count == 0)
        {
            return [];
        }

        var sql = $"""
            SELECT user_id, feature, arg_max(preference, k), arg_max(time, k)
            FROM (SELECT user_id, feature, preference, time, {FragmentFiles.OrderKey} AS k FROM {files.ParquetList(names)} WHERE {Filter(at, userId, features)})
            GROUP BY user_id, feature
            ORDER BY user_id, feature
            """;
        using var command = files.Command(sql);
        using var reader = command.ExecuteReader();
        var result = new List<TensorValue>();
        while (reader.Read())
        {
            result.Add(new TensorValue(
                reader.GetInt32(0),
                reader.GetInt32(1),
                reader.GetFloat(2),
                DateTimeOffset.FromUnixTimeSeconds(Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture))));
        }

        return result;
    }

    // Only numbers reach the filter: the time, a checked user id and a checked feature range.
    private static StringBuilder Filter(long at, int? userId, FeatureRange? features)
    {
        var filter = new StringBuilder($"time <= {at.ToString(CultureInfo.InvariantCulture)}");
        if (userId is { } uid)
        {
            filter.Append(CultureInfo.InvariantCulture, $" AND user_id = {uid}");
        }

        if (features is not null)
        {
            filter.Append(CultureInfo.InvariantCulture, $" AND feature BETWEEN {features.First} AND {features.Last}");
        }

        return filter;
    }
}

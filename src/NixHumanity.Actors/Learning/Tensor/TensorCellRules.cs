using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// The input rules of the tensor (user id 0..<see cref="ParquetTensorStore.MaxUserId"/>, feature 0..767, finite
/// values, no coordinate twice in a fragment, stamps within 1970..2106); a broken rule throws
/// <see cref="InvalidInputException"/> naming the field.
/// </summary>
internal static class TensorCellRules
{
    /// <summary>Checks a fragment's cells against a tensor of <paramref name="featureCount"/> features; the first bad one throws.</summary>
    public static void Validate(IReadOnlyList<TensorCell> cells, int featureCount = FeatureRange.FeatureCount)
    {
        if (cells.Count == 0)
        {
            throw Reject("cells", "must hold at least one cell");
        }

        var seen = new HashSet<long>(cells.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            CheckUser($"cells[{i}].userId", cell.UserId);
            if (cell.Feature < 0 || cell.Feature >= featureCount)
            {
                throw Reject($"cells[{i}].feature", $"must be between 0 and {featureCount - 1} (was {cell.Feature})");
            }

            if (!float.IsFinite(cell.Value))
            {
                throw Reject($"cells[{i}].value", $"must be a finite number (was {cell.Value.ToString(CultureInfo.InvariantCulture)})");
            }

            if (!seen.Add(((long)cell.UserId * featureCount) + cell.Feature))
            {
                throw Reject($"cells[{i}]", $"coordinate (user {cell.UserId}, feature {cell.Feature}) appears twice in one fragment");
            }
        }
    }

    /// <summary>Checks a user coordinate.</summary>
    public static void CheckUser(string field, int userId)
    {
        if (userId is < 0 or > ParquetTensorStore.MaxUserId)
        {
            throw Reject(field, $"must be between 0 and {ParquetTensorStore.MaxUserId} (was {userId})");
        }
    }

    /// <summary>A fragment stamp in whole seconds since the epoch; throws outside 1970..2106.</summary>
    public static uint ToSeconds(string field, DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        if (seconds < 0 || seconds > uint.MaxValue)
        {
            throw Reject(field, $"must be between 1970-01-01 and 2106-02-07 (was {time:O})");
        }

        return (uint)seconds;
    }

    /// <summary>
    /// A read time in whole seconds: times before the epoch read as "before everything", times past 2106 as
    /// "after everything".
    /// </summary>
    public static long FloorSeconds(DateTimeOffset time) => Math.Clamp(time.ToUnixTimeSeconds(), -1, uint.MaxValue);

    private static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));
}

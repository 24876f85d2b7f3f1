using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// A sparse preference tensor <c>(user_id int32 0..1,000,000, feature int32 0..767, time uint32) → preference
/// float32</c> with TileDB semantics:
/// <list type="bullet">
/// <item>every <see cref="Write"/> creates one immutable fragment stamped with its time (whole seconds since the
/// Unix epoch, the <c>time</c> dimension of its cells);</item>
/// <item><see cref="Read"/> at time T gives, per <c>(user_id, feature)</c>, the value of the latest cell with
/// time ≤ T — latest by stamp, then by write order for fragments stamped in the same second;</item>
/// <item><see cref="Consolidate"/> merges old fragments into one without changing any read at or after its
/// cut-off;</item>
/// <item><see cref="DeleteUser"/> removes every cell of a user from disk.</item>
/// </list>
/// A <c>TileDB.CSharp</c> backend could implement this interface once the package is obtainable; today
/// <see cref="ParquetTensorStore"/> does. Implementations have a single owner (the user's <c>LearnerActor</c>)
/// and are not thread-safe.
/// </summary>
internal interface IPreferenceTensorStore : IDisposable
{
    /// <summary>
    /// Writes one fragment. All cells are checked first (user id 0..1,000,000, feature 0..767, finite value, no
    /// coordinate twice, at least one cell, stamp within 1970..2106); on the first bad one an
    /// <see cref="InvalidInputException"/> is thrown and nothing is written.
    /// </summary>
    /// <param name="cells">The fragment's cells.</param>
    /// <param name="stamp">The fragment's time; truncated to whole seconds.</param>
    FragmentInfo Write(IReadOnlyList<TensorCell> cells, DateTimeOffset stamp);

    /// <summary>
    /// The tensor as of <paramref name="atTime"/> (truncated to whole seconds): per coordinate the latest value
    /// with time ≤ <paramref name="atTime"/>, optionally sliced to one user and/or a feature range; ordered by
    /// user id, then feature.
    /// </summary>
    /// <param name="atTime">The time to read at.</param>
    /// <param name="userId">Only this user, when given.</param>
    /// <param name="features">Only these features, when given.</param>
    IReadOnlyList<TensorValue> Read(DateTimeOffset atTime, int? userId = null, FeatureRange? features = null);

    /// <summary>
    /// Merges every fragment stamped at or before <paramref name="cutoff"/> into one fragment stamped with the
    /// newest merged stamp, keeping per coordinate only the latest cell. Reads at or after the cut-off are
    /// unchanged. Returns the new fragment, or <c>null</c> when fewer than two fragments qualified.
    /// </summary>
    /// <param name="cutoff">The cut-off time.</param>
    FragmentInfo? Consolidate(DateTimeOffset cutoff);

    /// <summary>
    /// Consolidates under the automatic policy (<c>ConsolidationPolicy</c>): fragments older than ten minutes are merged
    /// per complete UTC hour, day or month as they age. Reads at or after the end of each merged bucket do not change;
    /// a read inside one shows each coordinate as at that time or as at the bucket's start. Returns the new fragments
    /// (none when nothing was due).
    /// </summary>
    /// <param name="now">The time buckets are aged against (the learner's clock).</param>
    IReadOnlyList<FragmentInfo> ConsolidateAged(DateTimeOffset now);

    /// <summary>Removes every cell of <paramref name="userId"/> from every fragment on disk.</summary>
    /// <param name="userId">The user.</param>
    TensorDeletion DeleteUser(int userId);

    /// <summary>The fragments on disk, oldest first (by stamp, then write order).</summary>
    IReadOnlyList<FragmentInfo> ListFragments();

    /// <summary>Statements run on the store's DuckDB connection since it was opened (reads from the in-memory index run none).</summary>
    long Statements { get; }
}

/// <summary>One cell to write.</summary>
/// <param name="UserId">User coordinate, 0..1,000,000.</param>
/// <param name="Feature">Feature coordinate, 0..767.</param>
/// <param name="Value">The preference; finite.</param>
internal readonly record struct TensorCell(int UserId, int Feature, float Value);

/// <summary>One cell as read at a time.</summary>
/// <param name="UserId">User coordinate.</param>
/// <param name="Feature">Feature coordinate.</param>
/// <param name="Value">The preference.</param>
/// <param name="Time">The stamp of the fragment the value was written in.</param>
internal readonly record struct TensorValue(int UserId, int Feature, float Value, DateTimeOffset Time);

/// <summary>A fragment on disk.</summary>
/// <param name="FileName">Its file name inside <c>fragments/</c>.</param>
/// <param name="Stamp">Its stamp (for a consolidated fragment: the newest merged stamp).</param>
/// <param name="WriteOrder">Its position in write order; breaks ties between equal stamps.</param>
/// <param name="Cells">How many cells it holds.</param>
/// <param name="MinUserId">Smallest user id in it.</param>
/// <param name="MaxUserId">Largest user id in it.</param>
/// <param name="MinFeature">Smallest feature in it.</param>
/// <param name="MaxFeature">Largest feature in it.</param>
/// <param name="MinTime">Oldest cell time in it (below <see cref="Stamp"/> only for a consolidated fragment).</param>
internal sealed record FragmentInfo(
    string FileName,
    DateTimeOffset Stamp,
    long WriteOrder,
    long Cells,
    int MinUserId,
    int MaxUserId,
    int MinFeature,
    int MaxFeature,
    DateTimeOffset MinTime);

/// <summary>What <see cref="IPreferenceTensorStore.DeleteUser"/> removed.</summary>
/// <param name="UserId">The user.</param>
/// <param name="CellsRemoved">Cells removed.</param>
/// <param name="FragmentsRewritten">Fragments rewritten without the user's cells.</param>
/// <param name="FragmentsDeleted">Fragments deleted because they held only the user's cells.</param>
internal sealed record TensorDeletion(int UserId, long CellsRemoved, int FragmentsRewritten, int FragmentsDeleted);

/// <summary>An inclusive feature range inside 0..featureCount-1 (0..767 for 384-dimensional embedders).</summary>
internal sealed record FeatureRange
{
    /// <summary>The number of features of a tensor laid out for a 384-dimensional embedder (0..767).</summary>
    public const int FeatureCount = 768;

    /// <summary>Creates the range; throws <see cref="InvalidInputException"/> when it is empty or outside 0..featureCount-1.</summary>
    /// <param name="first">First feature.</param>
    /// <param name="last">Last feature (inclusive).</param>
    /// <param name="featureCount">The tensor's number of features (its layout's).</param>
    public FeatureRange(int first, int last, int featureCount = FeatureCount)
    {
        if (first < 0 || last >= featureCount || first > last)
        {
            throw new InvalidInputException(new CommandRejected("features", $"must be a range A..B with 0 <= A <= B <= {featureCount - 1} (was {first}..{last})"));
        }

        First = first;
        Last = last;
    }

    /// <summary>First feature.</summary>
    public int First { get; }

    /// <summary>Last feature (inclusive).</summary>
    public int Last { get; }

    /// <summary>All features.</summary>
    public static FeatureRange All { get; } = new(0, FeatureCount - 1);

    /// <summary>Whether <paramref name="feature"/> is in the range.</summary>
    /// <param name="feature">A feature.</param>
    public bool Contains(int feature) => feature >= First && feature <= Last;

    /// <summary>Parses <c>A..B</c> (or a single <c>A</c>); throws <see cref="InvalidInputException"/> naming <c>features</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="featureCount">The tensor's number of features (its layout's).</param>
    public static FeatureRange Parse(string? text, int featureCount = FeatureCount)
    {
        var parts = (text ?? string.Empty).Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            return new FeatureRange(first, last, featureCount);
        }

        throw new InvalidInputException(new CommandRejected("features", $"must be a range A..B with 0 <= A <= B <= {featureCount - 1} (was '{text}')"));
    }

    /// <inheritdoc />
    public override string ToString() => $"{First}..{Last}";
}

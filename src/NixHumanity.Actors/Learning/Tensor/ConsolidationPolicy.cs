namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// When the learner consolidates its preference fragments by itself: time buckets that grow coarser with age, so a
/// year of 30-second folds leaves about a hundred fragments instead of a million.
/// <list type="bullet">
/// <item>A bucket is merged once it has ended at least <see cref="Recent"/> ago. Buckets are UTC ten-minute slots,
/// hours, days and calendar months; each fragment goes into the coarsest bucket that has ended that long ago, and a
/// bucket holding two or more fragments becomes one (<see cref="FragmentConsolidation"/>: per coordinate the bucket's
/// last cell, with its original time and write order).</item>
/// <item>So every fold stays as written until its ten-minute slot has been over for ten minutes; the current hour is
/// kept in ten-minute steps, the current day in hours, the current month in days, and older months in months. A year
/// of 30-second folds leaves at most about 20 + 5 + 23 + 30 + 12 fragments.</item>
/// </list>
/// <para>
/// <b>Time travel kept.</b> A read at any time T at or after the end of a merged bucket (in particular any read at or
/// after the newest fold) answers exactly as before. A read at T inside a merged bucket shows each coordinate either
/// exactly as at T (when it was not written again later in that bucket) or as it was when the bucket began (its last
/// value before the bucket, absent if it had none).
/// </para>
/// </summary>
internal static class ConsolidationPolicy
{
    /// <summary>How long after a bucket has ended before its fragments are merged; folds younger than that stay as written.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The groups of fragments to merge at <paramref name="now"/>, each with at least two fragments, oldest bucket
    /// first. Nothing when every complete bucket already holds a single fragment.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<FragmentInfo>> Plan(IEnumerable<FragmentInfo> fragments, DateTimeOffset now)
    {
        var groups = new SortedDictionary<DateTimeOffset, List<FragmentInfo>>();
        foreach (var fragment in fragments)
        {
            if (BucketOf(fragment.Stamp, now) is { } bucket)
            {
                if (!groups.TryGetValue(bucket, out var members))
                {
                    groups[bucket] = members = [];
                }

                members.Add(fragment);
            }
        }

        return groups.Values.Where(g => g.Count >= 2).Select(g => (IReadOnlyList<FragmentInfo>)g).ToList();
    }

    /// <summary>
    /// The start of the coarsest bucket holding <paramref name="stamp"/> that ended at least <see cref="Recent"/> before
    /// <paramref name="now"/>, or <c>null</c> when none has. A month, a day, an hour and a slot can start at the same
    /// instant, but all fragments of one bucket make the same choice for every coarser one, so a start names one bucket.
    /// </summary>
    public static DateTimeOffset? BucketOf(DateTimeOffset stamp, DateTimeOffset now)
    {
        var utc = stamp.ToUniversalTime();
        var settled = now - Recent;
        var month = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        if (month.AddMonths(1) <= settled)
        {
            return month;
        }

        var day = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
        if (day.AddDays(1) <= settled)
        {
            return day;
        }

        var hour = day.AddHours(utc.Hour);
        if (hour.AddHours(1) <= settled)
        {
            return hour;
        }

        var slot = hour.AddMinutes(utc.Minute / (int)Slot.TotalMinutes * (int)Slot.TotalMinutes);
        return slot + Slot <= settled ? slot : null;
    }
}

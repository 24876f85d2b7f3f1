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
    /// The next instant after <paramref name="now"/> at which <see cref="Plan"/> can answer differently for the same
    /// fragments: the first time one of them moves into a coarser bucket (the end of its ten-minute slot, hour, day or
    /// month plus <see cref="Recent"/>), or <c>null</c> when each already sits in its month. Between two changes of the
    /// fragments (a fold, a merge) the plan only changes at such an instant, so the learner looks again only then
    /// instead of on every fold tick; looking costs no store work, only merging does.
    /// </summary>
    /// <param name="fragments">The fragments on disk.</param>
    /// <param name="now">The learner's clock after it consolidated.</param>
    public static DateTimeOffset? NextCheck(IEnumerable<FragmentInfo> fragments, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var fragment in fragments)
        {
            foreach (var end in BucketEnds(fragment.Stamp))
            {
                var change = end + Recent;
                if (change > now)
                {
                    next = next is { } earlier && earlier <= change ? earlier : change;
                    // The ends grow coarser and later: the first one still ahead is this fragment's next change.
                    break;
                }
            }
        }

        return next;
    }

    /// <summary>The ends of the slot, hour, day and month holding <paramref name="stamp"/>, earliest first.</summary>
    private static IEnumerable<DateTimeOffset> BucketEnds(DateTimeOffset stamp)
    {
        var utc = stamp.ToUniversalTime();
        var day = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
        var hour = day.AddHours(utc.Hour);
        yield return hour.AddMinutes(utc.Minute / (int)Slot.TotalMinutes * (int)Slot.TotalMinutes) + Slot;
        yield return hour.AddHours(1);
        yield return day.AddDays(1);
        yield return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
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

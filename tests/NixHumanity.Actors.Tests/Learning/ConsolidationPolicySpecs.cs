using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// The automatic consolidation policy: which fragments it merges as they age, how many a long history leaves, and the
/// time travel it keeps (reads after each merged bucket exact; reads inside one exact or as at the bucket's start).
/// </summary>
public sealed class ConsolidationPolicySpecs : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static FragmentInfo Fragment(DateTimeOffset stamp, long order) =>
        new($"f{order}", stamp, order, 1, 0, 0, 0, 0, stamp);

    /// <summary>Folds every <paramref name="interval"/> for <paramref name="span"/>, consolidated after each as the learner does; the fragments left.</summary>
    private static (List<FragmentInfo> Fragments, DateTimeOffset Now) Simulate(DateTimeOffset start, TimeSpan span, TimeSpan interval)
    {
        // The policy alone (stamps, no files): every planned group becomes one fragment stamped with its newest stamp,
        // as FragmentConsolidation does.
        var fragments = new List<FragmentInfo>();
        long order = 0;
        var now = start;
        for (; now < start + span; now += interval)
        {
            fragments.Add(Fragment(now, ++order));
            foreach (var group in ConsolidationPolicy.Plan(fragments, now))
            {
                fragments.RemoveAll(group.Contains);
                fragments.Add(Fragment(group.Max(f => f.Stamp), ++order));
            }
        }

        return (fragments, now - interval);
    }

    [Fact]
    public void Buckets_follow_the_age_of_their_end()
    {
        var now = new DateTimeOffset(2026, 5, 20, 12, 30, 0, TimeSpan.Zero);

        ConsolidationPolicy.BucketOf(new(2026, 5, 20, 12, 25, 0, TimeSpan.Zero), now).Should().BeNull("the slot 12:20–12:30 has just ended");
        ConsolidationPolicy.BucketOf(new(2026, 5, 20, 12, 15, 0, TimeSpan.Zero), now).Should().Be(new DateTimeOffset(2026, 5, 20, 12, 10, 0, TimeSpan.Zero), "the slot 12:10–12:20 ended ten minutes ago");
        ConsolidationPolicy.BucketOf(new(2026, 5, 20, 12, 15, 0, TimeSpan.Zero), now.AddSeconds(-1)).Should().BeNull("a second earlier it had not");
        ConsolidationPolicy.BucketOf(new(2026, 5, 20, 12, 5, 0, TimeSpan.Zero), now).Should().Be(new DateTimeOffset(2026, 5, 20, 12, 0, 0, TimeSpan.Zero), "slot 12:00–12:10");
        ConsolidationPolicy.BucketOf(new(2026, 5, 20, 11, 55, 0, TimeSpan.Zero), now).Should().Be(new DateTimeOffset(2026, 5, 20, 11, 0, 0, TimeSpan.Zero), "the hour 11:00–12:00");
        ConsolidationPolicy.BucketOf(new(2026, 5, 19, 23, 10, 0, TimeSpan.Zero), now).Should().Be(new DateTimeOffset(2026, 5, 19, 0, 0, 0, TimeSpan.Zero), "19 May");
        ConsolidationPolicy.BucketOf(new(2026, 5, 1, 0, 0, 30, TimeSpan.Zero), now).Should().Be(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), "1 May: May is not over");
        ConsolidationPolicy.BucketOf(new(2026, 4, 30, 23, 59, 0, TimeSpan.Zero), now).Should().Be(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), "April");
    }

    [Fact]
    public void A_year_of_folds_leaves_one_fragment_per_month_day_hour_and_slot_and_a_day_of_30_second_folds_a_few_dozen()
    {
        // A year of half-hourly folds (kept fast): at most 12 months + 30 days + 23 hours + 5 slots + the folds of the
        // last twenty minutes.
        var (year, yearNow) = Simulate(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(365), TimeSpan.FromMinutes(30));
        year.Count.Should().BeLessThanOrEqualTo(12 + 30 + 23 + 5 + 1);
        ConsolidationPolicy.Plan(year, yearNow).Should().BeEmpty("every settled bucket already holds one fragment");

        // Thirty-second folds for a day: 2,880 folds → at most 23 hours + 5 slots + 40 recent folds.
        var (day, dayNow) = Simulate(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1), TimeSpan.FromSeconds(30));
        day.Count.Should().BeLessThanOrEqualTo(23 + 5 + 40);
        day.Count(f => f.Stamp > dayNow - ConsolidationPolicy.Recent).Should().BeGreaterThan(0, "the latest folds stay as written");
    }

    [Fact]
    public void Consolidating_aged_fragments_keeps_reads_after_each_bucket_and_inside_it_exact_or_as_at_its_start()
    {
        // Folds of a cumulative profile (every fold rewrites all features, as the learner's do), at times spread over
        // hours and days, written twice: into a store consolidated after every write and into an untouched one.
        var stamps = new List<DateTimeOffset>();
        foreach (var (hour, count) in new[] { (9, 4), (10, 3), (13, 2), (30, 3), (31, 2), (60, 2), (90, 1) })
        {
            for (var i = 0; i < count; i++)
            {
                stamps.Add(Day.AddHours(hour).AddMinutes(7 * i));
            }
        }

        using var consolidated = ParquetTensorStore.Open(Path.Combine(_temp.Path, "consolidated"));
        using var reference = ParquetTensorStore.Open(Path.Combine(_temp.Path, "reference"));
        for (var f = 0; f < stamps.Count; f++)
        {
            // Feature 1 changes with every fold; feature 2 only in the first fold of each run; feature 3 appears late.
            var cells = new List<TensorCell> { new(7, 1, f), new(7, 2, stamps[f].Hour) };
            if (f >= 5)
            {
                cells.Add(new TensorCell(7, 3, 100 + f));
            }

            consolidated.Write(cells, stamps[f]);
            reference.Write(cells, stamps[f]);
            consolidated.ConsolidateAged(stamps[f]);
        }

        var now = stamps[^1];
        consolidated.ListFragments().Count.Should().BeLessThan(stamps.Count);
        var buckets = stamps.Select(s => ConsolidationPolicy.BucketOf(s, now)).ToList();
        for (var minute = 0; minute <= (int)(now - Day).TotalMinutes + 60; minute += 13)
        {
            var at = Day.AddMinutes(minute);
            var actual = consolidated.Read(at).ToDictionary(v => v.Feature);
            var exact = reference.Read(at).ToDictionary(v => v.Feature);
            // The bucket `at` falls in (if merged): its start and its last fold.
            var inside = stamps.Select((s, i) => (s, buckets[i])).Where(p => p.Item2 is { } b && b <= at && p.s >= at).Select(p => p.Item2).FirstOrDefault();
            if (inside is null)
            {
                actual.Should().BeEquivalentTo(exact, $"a read at {at:O} outside any merged bucket is exact");
                continue;
            }

            var atStart = reference.Read(inside.Value.AddSeconds(-1)).ToDictionary(v => v.Feature);
            foreach (var feature in exact.Keys.Union(atStart.Keys))
            {
                var got = actual.GetValueOrDefault(feature);
                (got == exact.GetValueOrDefault(feature) || got == atStart.GetValueOrDefault(feature)).Should()
                    .BeTrue($"feature {feature} at {at:O} is exact or as at the bucket's start {inside:O}");
            }
        }

        foreach (var stamp in stamps.Where((s, i) => buckets[i] is null || stamps.Where((t, j) => buckets[j] == buckets[i]).Max() == s))
        {
            consolidated.Read(stamp).Should().BeEquivalentTo(reference.Read(stamp), $"a read at the end of each bucket ({stamp:O}) is unchanged");
        }
    }
}

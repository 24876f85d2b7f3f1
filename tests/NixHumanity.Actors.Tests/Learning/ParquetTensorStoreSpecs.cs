using DuckDB.NET.Data;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

public sealed class ParquetTensorStoreSpecs : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static TensorCell C(int user, int feature, float value) => new(user, feature, value);

    private static IEnumerable<(int, int, float)> Values(IEnumerable<TensorValue> read) => read.Select(v => (v.UserId, v.Feature, v.Value));

    [Fact]
    public void Reads_travel_in_time_and_the_latest_fragment_wins()
    {
        using var store = ParquetTensorStore.Open(_temp.Path);
        store.Write([C(1, 0, 1f), C(1, 1, 2f), C(2, 5, 3f)], T0);
        store.Write([C(1, 0, 10f), C(2, 6, 4f)], T0.AddMinutes(1));
        store.Write([C(1, 1, 20f)], T0.AddMinutes(2));

        store.Read(T0.AddSeconds(-1)).Should().BeEmpty();
        Values(store.Read(T0)).Should().Equal((1, 0, 1f), (1, 1, 2f), (2, 5, 3f));
        Values(store.Read(T0.AddSeconds(59))).Should().Equal((1, 0, 1f), (1, 1, 2f), (2, 5, 3f));
        Values(store.Read(T0.AddMinutes(1))).Should().Equal((1, 0, 10f), (1, 1, 2f), (2, 5, 3f), (2, 6, 4f));
        var now = store.Read(T0.AddDays(1));
        Values(now).Should().Equal((1, 0, 10f), (1, 1, 20f), (2, 5, 3f), (2, 6, 4f));
        now.Select(v => v.Time).Should().Equal(T0.AddMinutes(1), T0.AddMinutes(2), T0, T0.AddMinutes(1));
    }

    [Fact]
    public void Equal_stamps_are_ordered_by_write_and_back_dated_writes_lose_to_newer_stamps()
    {
        using var store = ParquetTensorStore.Open(_temp.Path);
        store.Write([C(7, 3, 1f)], T0.AddMilliseconds(100));
        store.Write([C(7, 3, 2f)], T0.AddMilliseconds(900)); // same second: the later write wins
        Values(store.Read(T0)).Should().Equal((7, 3, 2f));

        store.Write([C(7, 3, 3f)], T0.AddMinutes(-5)); // back-dated: only visible before T0
        Values(store.Read(T0)).Should().Equal((7, 3, 2f));
        Values(store.Read(T0.AddMinutes(-1))).Should().Equal((7, 3, 3f));
    }

    [Fact]
    public void Reads_slice_by_user_and_by_feature_range()
    {
        using var store = ParquetTensorStore.Open(_temp.Path);
        var cells = new List<TensorCell>();
        for (var user = 0; user < 5; user++)
        {
            for (var feature = 0; feature < 768; feature += 7)
            {
                cells.Add(C(user * 1000, feature, (user * 1000) + feature));
            }
        }

        store.Write(cells, T0);
        store.Write([C(2000, 14, -1f), C(999_999, 767, 5f)], T0.AddSeconds(10));

        var oneUser = store.Read(T0.AddHours(1), userId: 2000);
        oneUser.Should().OnlyContain(v => v.UserId == 2000).And.HaveCount(cells.Count(c => c.UserId == 2000));
        oneUser.Single(v => v.Feature == 14).Value.Should().Be(-1f);

        var slice = store.Read(T0.AddHours(1), features: new FeatureRange(384, 400));
        Values(slice).Should().Equal(cells.Where(c => c.Feature is >= 384 and <= 400).OrderBy(c => c.UserId).ThenBy(c => c.Feature).Select(c => (c.UserId, c.Feature, c.Value)));

        var both = store.Read(T0.AddHours(1), 999_999, new FeatureRange(700, 767));
        Values(both).Should().Equal((999_999, 767, 5f));
        store.Read(T0, 999_999).Should().BeEmpty();
    }

    [Fact]
    public void Fragments_survive_reopening_and_new_writes_continue_the_order()
    {
        using (var store = ParquetTensorStore.Open(_temp.Path))
        {
            store.Write([C(1, 1, 1f)], T0);
            store.Write([C(1, 1, 2f)], T0);
        }

        // A crashed write leaves only a temporary file, which the next open removes.
        var fragments = Path.Combine(_temp.Path, ParquetTensorStore.FragmentsFolderName);
        File.WriteAllText(Path.Combine(fragments, "f-0000000001-0000000099-00000000000000000000000000000000.parquet.tmp"), "partial");

        using (var store = ParquetTensorStore.Open(_temp.Path))
        {
            store.ListFragments().Should().HaveCount(2);
            Directory.GetFiles(fragments, "*.tmp").Should().BeEmpty();
            Values(store.Read(T0)).Should().Equal((1, 1, 2f));
            store.Write([C(1, 1, 3f)], T0); // same second again: must still be the latest write
            Values(store.Read(T0)).Should().Equal((1, 1, 3f));
            store.ListFragments().Select(f => f.WriteOrder).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void Consolidation_keeps_every_read_at_or_after_the_cutoff_and_matches_the_documented_loss_before_it()
    {
        var rng = new Random(42);
        var history = new List<(int User, int Feature, long Time, long Order, float Value)>();
        using var store = ParquetTensorStore.Open(_temp.Path);
        for (var f = 0; f < 40; f++)
        {
            var stamp = T0.AddSeconds(rng.Next(0, 4) * 10 * f);
            var cells = new Dictionary<(int, int), float>();
            for (var i = 0; i < 30; i++)
            {
                cells[(rng.Next(0, 4), rng.Next(0, 12))] = (float)Math.Round(rng.NextDouble(), 3);
            }

            store.Write(cells.Select(kv => C(kv.Key.Item1, kv.Key.Item2, kv.Value)).ToList(), stamp);
            history.AddRange(cells.Select(kv => (kv.Key.Item1, kv.Key.Item2, stamp.ToUnixTimeSeconds(), (long)f, kv.Value)));
        }

        var stamps = store.ListFragments().Select(f => f.Stamp).Distinct().OrderBy(s => s).ToList();
        var cutoff = stamps[stamps.Count / 2];
        var probes = stamps.Concat(stamps.Select(s => s.AddSeconds(5))).Append(T0.AddYears(1)).Distinct().OrderBy(s => s).ToList();
        var before = probes.ToDictionary(p => p, p => store.Read(p));
        var fragmentsBefore = store.ListFragments().Count;

        // The store agrees with a reference model of latest-wins before consolidating.
        foreach (var probe in probes)
        {
            Values(before[probe]).Should().Equal(Reference(history, probe.ToUnixTimeSeconds()));
        }

        var merged = store.Consolidate(cutoff);

        merged.Should().NotBeNull();
        merged!.Stamp.Should().Be(cutoff);
        var mergedFragments = fragmentsBefore - store.ListFragments().Count + 1;
        mergedFragments.Should().BeGreaterThan(1);
        store.ListFragments().Where(f => f.Stamp <= cutoff).Should().ContainSingle();

        foreach (var probe in probes.Where(p => p >= cutoff))
        {
            store.Read(probe).Should().Equal(before[probe], $"a read at {probe:O} is at or after the cut-off");
        }

        // Before the cut-off: the consolidated state restricted to cells written by then (documented loss).
        var survivors = history
            .Where(h => h.Time > cutoff.ToUnixTimeSeconds())
            .Concat(history.Where(h => h.Time <= cutoff.ToUnixTimeSeconds())
                .GroupBy(h => (h.User, h.Feature))
                .Select(g => g.OrderBy(h => h.Time).ThenBy(h => h.Order).Last()))
            .ToList();
        foreach (var probe in probes.Where(p => p < cutoff))
        {
            Values(store.Read(probe)).Should().Equal(Reference(survivors, probe.ToUnixTimeSeconds()));
        }

        // Reopening sees the same consolidated state.
        store.Dispose();
        using var reopened = ParquetTensorStore.Open(_temp.Path);
        reopened.Read(T0.AddYears(1)).Should().Equal(before[T0.AddYears(1)]);
        reopened.Consolidate(cutoff).Should().BeNull("only one fragment is at or before the cut-off now");
    }

    [Fact]
    public void Deleting_a_user_leaves_no_cell_of_theirs_on_disk_and_keeps_everyone_else()
    {
        using var store = ParquetTensorStore.Open(_temp.Path);
        store.Write([C(5, 0, 1f), C(5, 1, 1f)], T0);                 // only user 5: deleted
        store.Write([C(4, 0, 2f), C(5, 0, 3f), C(6, 2, 4f)], T0.AddSeconds(1)); // mixed: rewritten
        store.Write([C(4, 1, 5f), C(6, 0, 6f)], T0.AddSeconds(2));   // range 4..6 but no user 5: untouched
        store.Write([C(9, 9, 7f)], T0.AddSeconds(3));                // outside the range: untouched
        var othersBefore = store.Read(T0.AddHours(1)).Where(v => v.UserId != 5).ToList();
        var untouched = store.ListFragments().Skip(2).Select(f => (f.FileName, File.GetLastWriteTimeUtc(Path.Combine(store.FragmentsFolder, f.FileName)))).ToList();

        var deletion = store.DeleteUser(5);

        deletion.Should().Be(new TensorDeletion(5, 3, 1, 1));
        store.ListFragments().Should().HaveCount(3);
        store.Read(T0.AddHours(1)).Should().Equal(othersBefore);
        store.Read(T0.AddHours(1), userId: 5).Should().BeEmpty();
        untouched.Should().OnlyContain(u => File.GetLastWriteTimeUtc(Path.Combine(store.FragmentsFolder, u.FileName)) == u.Item2);
        CountOnDisk(store.FragmentsFolder, "user_id = 5").Should().Be(0);
        CountOnDisk(store.FragmentsFolder, "user_id <> 5").Should().Be(5);
        Directory.GetFiles(store.FragmentsFolder).Should().OnlyContain(f => f.EndsWith(".parquet", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_fragment_is_an_ordinary_parquet_file_named_by_its_stamp()
    {
        using var store = ParquetTensorStore.Open(_temp.Path);
        var info = store.Write([C(3, 2, 0.5f)], T0);

        info.FileName.Should().StartWith($"f-{T0.ToUnixTimeSeconds():D10}-");
        info.Should().BeEquivalentTo(new { Cells = 1L, MinUserId = 3, MaxUserId = 3, MinFeature = 2, MaxFeature = 2, Stamp = T0, MinTime = T0 });
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT user_id, feature, time, preference, typeof(user_id), typeof(feature), typeof(time), typeof(preference) FROM read_parquet('{Path.Combine(store.FragmentsFolder, info.FileName)}')";
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        reader.GetInt32(0).Should().Be(3);
        reader.GetInt32(1).Should().Be(2);
        Convert.ToInt64(reader.GetValue(2)).Should().Be(T0.ToUnixTimeSeconds());
        reader.GetFloat(3).Should().Be(0.5f);
        new[] { reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7) }.Should().Equal("INTEGER", "INTEGER", "UINTEGER", "FLOAT");
    }

    public static TheoryData<object, string> BadCells => new()
    {
        { C(-1, 0, 1f), "cells[1].userId" },
        { C(1_000_001, 0, 1f), "cells[1].userId" },
        { C(1, -1, 1f), "cells[1].feature" },
        { C(1, 768, 1f), "cells[1].feature" },
        { C(1, 0, float.NaN), "cells[1].value" },
        { C(1, 0, float.PositiveInfinity), "cells[1].value" },
        { C(0, 0, 2f), "cells[1]" },
    };

    [Theory]
    [MemberData(nameof(BadCells))]
    public void A_bad_cell_is_rejected_with_its_index_and_nothing_is_written(object bad, string field)
    {
        using var store = ParquetTensorStore.Open(_temp.Path);
        var act = () => store.Write([C(0, 0, 1f), (TensorCell)bad, C(2, 2, 1f)], T0);

        act.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be(field);
        store.ListFragments().Should().BeEmpty();
        Directory.GetFiles(store.FragmentsFolder).Should().BeEmpty();
    }

    [Fact]
    public void Empty_fragments_stamps_out_of_range_and_bad_user_slices_are_rejected()
    {
        using var store = ParquetTensorStore.Open(_temp.Path);
        ((Action)(() => store.Write([], T0))).Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("cells");
        ((Action)(() => store.Write([C(1, 1, 1f)], new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero))))
            .Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("stamp");
        ((Action)(() => store.Read(T0, userId: -3))).Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("userId");
        ((Action)(() => store.DeleteUser(2_000_000))).Should().Throw<InvalidInputException>();
        Directory.GetFiles(store.FragmentsFolder).Should().BeEmpty();
    }

    [Theory]
    [InlineData("0..767", 0, 767)]
    [InlineData("384..400", 384, 400)]
    [InlineData("12", 12, 12)]
    public void Feature_ranges_parse(string text, int first, int last)
    {
        var range = FeatureRange.Parse(text);
        (range.First, range.Last).Should().Be((first, last));
    }

    [Theory]
    [InlineData("0..768")]
    [InlineData("-1..5")]
    [InlineData("10..2")]
    [InlineData("a..b")]
    [InlineData("")]
    [InlineData("1..2..3")]
    public void Feature_ranges_outside_0_to_767_are_rejected(string text)
    {
        var act = () => FeatureRange.Parse(text);
        act.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("features");
    }

    [Fact]
    public void The_in_memory_index_and_duckdb_over_the_files_give_the_same_reads_through_every_operation()
    {
        var rng = new Random(99);
        var store = ParquetTensorStore.Open(_temp.Path);
        try
        {
            var stamps = new List<DateTimeOffset>();
            for (var step = 0; step < 60; step++)
            {
                var roll = rng.Next(20);
                if (roll == 0 && stamps.Count > 0)
                {
                    store.Consolidate(stamps[rng.Next(stamps.Count)]);
                }
                else if (roll == 1)
                {
                    store.DeleteUser(rng.Next(0, 6));
                }
                else if (roll == 2)
                {
                    store.Dispose();
                    store = ParquetTensorStore.Open(_temp.Path);
                }
                else
                {
                    var stamp = T0.AddSeconds(rng.Next(0, 50) * 7);
                    stamps.Add(stamp);
                    var cells = new Dictionary<(int, int), float>();
                    for (var i = 0; i < 25; i++)
                    {
                        cells[(rng.Next(0, 6), rng.Next(0, 768))] = rng.Next(-100, 100) / 10f;
                    }

                    store.Write(cells.Select(kv => C(kv.Key.Item1, kv.Key.Item2, kv.Value)).ToList(), stamp);
                }

                var at = T0.AddSeconds(rng.Next(-5, 360));
                int? user = rng.Next(3) == 0 ? rng.Next(0, 6) : null;
                var features = rng.Next(3) == 0 ? new FeatureRange(100, 500) : null;
                store.Read(at, user, features).Should().Equal(store.ReadFromDisk(at, user, features), $"step {step} reads at {at:O}");
            }

            store.Read(T0.AddDays(1)).Should().NotBeEmpty();
        }
        finally
        {
            store.Dispose();
        }
    }

    private static List<(int, int, float)> Reference(IEnumerable<(int User, int Feature, long Time, long Order, float Value)> cells, long at) =>
        cells.Where(c => c.Time <= at)
            .GroupBy(c => (c.User, c.Feature))
            .Select(g => g.OrderBy(c => c.Time).ThenBy(c => c.Order).Last())
            .OrderBy(c => c.User).ThenBy(c => c.Feature)
            .Select(c => (c.User, c.Feature, c.Value))
            .ToList();

    private static long CountOnDisk(string folder, string where)
    {
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM read_parquet('{folder}/*.parquet') WHERE {where}";
        return Convert.ToInt64(command.ExecuteScalar());
    }
}

using System.Diagnostics;
using NixHumanity.Actors.Learning.Tensor;

namespace NixHumanity.LearningBenchmarks;

/// <summary>
/// Automatic consolidation: the fragments a year of 30-second folds leaves under the policy, how long a learner's
/// tensor store takes to open on them, and what the merges themselves cost.
/// </summary>
internal static partial class Program
{
    private const int FoldCells = 412; // 384 direction components + 28 behaviour features, as the learner writes.

    private static void Consolidation(string folder)
    {
        var end = new DateTimeOffset(2026, 11, 30, 17, 3, 30, TimeSpan.Zero);
        var start = end.AddDays(-365);
        // Every fold stamp of the year, grouped by the bucket the policy has put it in by `end`: the policy's buckets
        // nest (slot ⊂ hour ⊂ day ⊂ month), so the folder holds one fragment per bucket — the bucket's last fold, whose
        // cells win every coordinate because each fold rewrites the whole profile — and every fold not yet in one.
        var survivors = new SortedDictionary<DateTimeOffset, DateTimeOffset>();
        long folds = 0;
        for (var stamp = start; stamp <= end; stamp += TimeSpan.FromSeconds(30))
        {
            folds++;
            var key = ConsolidationPolicy.BucketOf(stamp, end) ?? stamp;
            survivors[key] = stamp;
        }

        var build = Stopwatch.StartNew();
        using (var writer = ParquetTensorStore.Open(folder))
        {
            foreach (var stamp in survivors.Values)
            {
                writer.Write(FoldOf(stamp, start), stamp);
            }

            if (writer.ConsolidateAged(end).Count != 0)
            {
                throw new InvalidOperationException("the constructed folder is not what the policy leaves");
            }
        }

        build.Stop();
        Console.WriteLine($"a year of 30-second folds ({folds:N0} folds) leaves {survivors.Count} fragments; written in {build.Elapsed.TotalSeconds:F1} s");
        MeasureOpen(folder, end, folds, survivors.Count);
        MergeCosts(Path.Combine(folder, "..", "consolidation-merge"), end);
    }

    /// <summary>Opens the tensor store on the year's fragments (1 warm-up, 7 runs), wall clock and CPU time.</summary>
    private static void MeasureOpen(string folder, DateTimeOffset end, long folds, int fragments)
    {
        var loadBefore = LoadAverage();
        // Wall clock and this process's CPU time per open: on a machine shared with other builds the wall clock mostly
        // measures waiting for a core; the CPU time is what the open costs.
        var walls = new List<double>();
        var cpus = new List<double>();
        var cells = 0;
        for (var run = 0; run < 8; run++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            using (var store = ParquetTensorStore.Open(folder))
            {
                cells = store.Read(end).Count;
            }

            wall.Stop();
            if (run > 0)
            {
                walls.Add(wall.Elapsed.TotalMilliseconds);
                cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
            }
        }

        walls.Sort();
        cpus.Sort();
        var open = walls[walls.Count / 2];
        Report($"learner tensor open after a year of 30-second folds ({folds:N0} folds → {fragments} fragments under the policy; open + latest read of {cells} cells)",
            $"median {open:F0} ms wall (min {walls[0]:F0}), CPU median {cpus[cpus.Count / 2]:F0} ms (min {cpus[0]:F0}); load {loadBefore} / {LoadAverage()}",
            "≤ 500 ms", open <= 500 ? "met" : $"missed (wall); CPU {(cpus[cpus.Count / 2] <= 500 ? "within" : "over")} 500 ms");

    }

    /// <summary>What the learner pays when a bucket settles: an hour of 120 folds, then a day of 24 hourly fragments.</summary>
    private static void MergeCosts(string folder, DateTimeOffset end)
    {
        var hourStart = new DateTimeOffset(end.Year, end.Month, end.Day, 0, 0, 0, TimeSpan.Zero).AddDays(-2);
        using var store = ParquetTensorStore.Open(folder);
        for (var i = 0; i < 120; i++)
        {
            store.Write(FoldOf(hourStart.AddSeconds(30 * i), hourStart), hourStart.AddSeconds(30 * i));
        }

        var latest = store.Read(end);
        var hour = Stopwatch.StartNew();
        var merged = store.ConsolidateAged(hourStart.AddHours(1).Add(ConsolidationPolicy.Recent));
        hour.Stop();
        for (var h = 1; h < 24; h++)
        {
            store.Write(FoldOf(hourStart.AddHours(h), hourStart), hourStart.AddHours(h));
        }

        var day = Stopwatch.StartNew();
        var mergedDay = store.ConsolidateAged(end);
        day.Stop();
        if (merged.Count != 1 || mergedDay.Count != 1 || store.ListFragments().Count != 1 || !store.Read(end).SequenceEqual(store.ReadFromDisk(end)))
        {
            throw new InvalidOperationException("the merges did not leave one fragment per bucket, or the index and the files disagree");
        }

        Report("consolidation when a bucket settles: an hour of 120 folds → 1; a day of 24 fragments → 1",
            $"{hour.Elapsed.TotalMilliseconds:F0} ms; {day.Elapsed.TotalMilliseconds:F0} ms (latest read before: {latest.Count} cells)", "— (no target)", "info");
    }

    /// <summary>One fold of one person's cumulative profile: every cell written, values drifting with time.</summary>
    private static TensorCell[] FoldOf(DateTimeOffset stamp, DateTimeOffset start)
    {
        var minutes = (float)(stamp - start).TotalMinutes;
        var cells = new TensorCell[FoldCells];
        for (var i = 0; i < FoldCells; i++)
        {
            cells[i] = new TensorCell(7, i, MathF.Sin((minutes / 1000f) + i) / 2f);
        }

        return cells;
    }
}

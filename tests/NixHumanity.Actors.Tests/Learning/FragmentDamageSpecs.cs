using System.Globalization;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// The preference fragments damaged while the host is stopped, one way per case. On the next start the learner notices
/// (the fragments' manifest), sets the folder aside under a name that says why and when, reports it (log and a store
/// repair report that <c>stats</c> shows) and rebuilds the tensor from its fold log, so <c>preferences</c> answers as
/// before, at the latest time and at an earlier fold's.
/// </summary>
public sealed class FragmentDamageSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public enum Damage
    {
        /// <summary>The newest fragment deleted.</summary>
        Missing,

        /// <summary>The newest fragment cut in half.</summary>
        Truncated,

        /// <summary>The newest fragment emptied (what a full disk can leave).</summary>
        Empty,

        /// <summary>The newest fragment overwritten with bytes that are no Parquet file.</summary>
        Garbage,

        /// <summary>One byte in the middle of the newest fragment changed: same size, other bytes.</summary>
        ChecksumCorrupt,

        /// <summary>A file named like a fragment but not one, which the manifest does not list.</summary>
        PlantedGarbage,

        /// <summary>The manifest itself overwritten.</summary>
        ManifestGarbage,

        /// <summary>The newest fragment replaced by a FIFO (reading it would block for ever).</summary>
        Fifo,

        /// <summary>The manifest replaced by a FIFO.</summary>
        ManifestFifo,
    }

    public void Dispose() => _data.Dispose();

    private string Learner => Path.Combine(_data.Path, "users", "ann", "learner");

    private string Fragments => Path.Combine(Learner, ParquetTensorStore.FragmentsFolderName);

    /// <summary>Two folds of four installs each; returns the first fold's report.</summary>
    private async Task<FoldReport> RecordAndFoldAsync(ActorTree tree)
    {
        string[][] batches = [["vim", "git", "htop", "curl"], ["jq", "ripgrep", "fd", "bat"]];
        FoldReport? first = null;
        foreach (var batch in batches)
        {
            foreach (var package in batch)
            {
                await tree.RecordAsync("ann", $"install {package}", command: $"nix-env -iA nixpkgs.{package}");
            }

            var fold = await tree.AskAsync<FoldReport>(new FoldPreferences("ann"));
            fold.Written.Should().BeTrue();
            first ??= fold;
        }

        return first!;
    }

    private static GetPreferences BehaviourAt(DateTimeOffset at) =>
        new("ann", at.ToString("O", CultureInfo.InvariantCulture), "384..767");

    private string Newest() =>
        Directory.GetFiles(Fragments, "f-*.parquet").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).Last();

    private string Apply(Damage damage)
    {
        var newest = Newest();
        var bytes = File.ReadAllBytes(newest);
        switch (damage)
        {
            case Damage.Missing:
                File.Delete(newest);
                break;
            case Damage.Truncated:
                File.WriteAllBytes(newest, bytes[..(bytes.Length / 2)]);
                break;
            case Damage.Empty:
                File.WriteAllBytes(newest, []);
                break;
            case Damage.Garbage:
                File.WriteAllBytes(newest, Enumerable.Range(0, bytes.Length).Select(i => (byte)(i * 7)).ToArray());
                break;
            case Damage.ChecksumCorrupt:
                bytes[bytes.Length / 2] ^= 0x5A;
                File.WriteAllBytes(newest, bytes);
                break;
            case Damage.PlantedGarbage:
                newest = Path.Combine(Fragments, "f-2147483647-0000999999-00000000000000000000000000000000.parquet");
                File.WriteAllBytes(newest, Enumerable.Range(0, 5_000).Select(i => (byte)(i * 13)).ToArray());
                break;
            case Damage.ManifestGarbage:
                newest = Path.Combine(Learner, ParquetTensorStore.ManifestFileName);
                File.WriteAllText(newest, "{\"fragments\": [1, 2,");
                break;
            case Damage.Fifo:
                File.Delete(newest);
                MakeFifo(newest).Should().Be(0);
                break;
            case Damage.ManifestFifo:
                newest = Path.Combine(Learner, ParquetTensorStore.ManifestFileName);
                File.Delete(newest);
                MakeFifo(newest).Should().Be(0);
                break;
        }

        return Path.GetFileName(newest);
    }

    [Theory]
    [InlineData(Damage.Missing)]
    [InlineData(Damage.Truncated)]
    [InlineData(Damage.Empty)]
    [InlineData(Damage.Garbage)]
    [InlineData(Damage.ChecksumCorrupt)]
    [InlineData(Damage.PlantedGarbage)]
    [InlineData(Damage.ManifestGarbage)]
    [InlineData(Damage.Fifo)]
    [InlineData(Damage.ManifestFifo)]
    public async Task A_missing_or_damaged_fragment_is_noticed_reported_and_the_tensor_rebuilt_from_the_journal(Damage damage)
    {
        Preferences before;
        Preferences beforeFirstFold;
        FoldReport first;
        await using (var tree = ActorTree.Start(_data.Path))
        {
            first = await RecordAndFoldAsync(tree);
            before = await tree.AskAsync<Preferences>(new GetPreferences("ann"));
            beforeFirstFold = await tree.AskAsync<Preferences>(BehaviourAt(first.Stamp!.Value));
        }

        before.Cells.Should().Contain(c => c.Feature < BehaviourFeatures.First, "the folds wrote a preference direction");
        var damaged = Apply(damage);

        await using var restarted = ActorTree.Start(_data.Path);
        var after = await restarted.AnswerAsync<Preferences>(new GetPreferences("ann"));
        after.Cells.Should().BeEquivalentTo(before.Cells, o => o.WithStrictOrdering());
        (await restarted.AnswerAsync<Preferences>(BehaviourAt(first.Stamp!.Value))).Cells
            .Should().BeEquivalentTo(beforeFirstFold.Cells, o => o.WithStrictOrdering(), "the fold log replays every fold at its stamp");

        var repair = restarted.Client().StoreRepairs().Should().ContainSingle().Subject;
        repair.Should().BeEquivalentTo(new { UserId = "ann", Component = "learner", Store = "fragments" });
        repair.Problems.Should().ContainSingle().Which.Should().StartWith(damaged + ":");
        repair.Rebuilt.Should().Contain("2 logged folds");
        var aside = Directory.GetDirectories(Learner, "fragments.damaged-*").Should().ContainSingle().Subject;
        aside.Should().MatchRegex(@"\.damaged-\d{8}T\d{9}$");
        File.Exists(Path.Combine(aside, damaged)).Should().Be(damage != Damage.Missing, "the damaged copy is kept to inspect");
    }

    [Fact]
    public async Task A_restart_with_intact_fragments_reports_nothing_and_keeps_them()
    {
        Preferences before;
        await using (var tree = ActorTree.Start(_data.Path))
        {
            await RecordAndFoldAsync(tree);
            before = await tree.AskAsync<Preferences>(new GetPreferences("ann"));
        }

        var files = Directory.GetFiles(Fragments).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        await using var restarted = ActorTree.Start(_data.Path);
        (await restarted.AnswerAsync<Preferences>(new GetPreferences("ann"))).Cells.Should().BeEquivalentTo(before.Cells, o => o.WithStrictOrdering());
        restarted.Client().StoreRepairs().Should().BeEmpty();
        Directory.GetDirectories(Learner).Select(Path.GetFileName).Should().Equal(ParquetTensorStore.FragmentsFolderName);
        Directory.GetFiles(Fragments).Select(Path.GetFileName).Order(StringComparer.Ordinal).Should().Equal(files);
    }

    [Fact]
    public async Task Damaged_fragments_with_an_emptied_fold_log_are_rebuilt_by_folding_the_journal_again()
    {
        await using (var tree = ActorTree.Start(_data.Path))
        {
            await RecordAndFoldAsync(tree);
        }

        // Both damaged: the analytics store is rebuilt from the journal with an empty fold log.
        File.WriteAllBytes(Path.Combine(Learner, "analytics.duckdb"), []);
        File.Delete(Path.Combine(Learner, "analytics.duckdb.wal"));
        File.Delete(Newest());

        await using var restarted = ActorTree.Start(_data.Path);
        await Eventually.HoldsAsync(async () =>
        {
            var behaviour = await restarted.AnswerAsync<Preferences>(new GetPreferences("ann", Features: "384..384"));
            behaviour.Cells.Should().ContainSingle().Which.Value.Should().BeApproximately((float)Math.Log10(1 + 8), 1e-6f, "all eight interactions folded again");
        });
        var repairs = restarted.Client().StoreRepairs();
        repairs.Select(r => r.Store).Should().BeEquivalentTo(["analytics.duckdb", ParquetTensorStore.FragmentsFolderName], "each damaged store is reported");
        repairs.Single(r => r.Store == ParquetTensorStore.FragmentsFolderName).Rebuilt.Should().Contain("folds the whole journal again");
    }

    /// <summary>
    /// Three folds whose directions differ (each adds other commands); returns each fold's stamp. With a
    /// <paramref name="clock"/>, each fold is a minute after the last: the tensor's time is whole seconds, so two folds in
    /// one second share a coordinate and a read at the first one's stamp sees the second too.
    /// </summary>
    private static async Task<IReadOnlyList<DateTimeOffset>> RecordAndFoldThreeTimesAsync(ActorTree tree, ManualClockForTree? clock = null)
    {
        string[][] batches = [["vim", "git"], ["jq", "ripgrep", "fd"], ["htop", "htop", "htop", "curl"]];
        var stamps = new List<DateTimeOffset>();
        foreach (var batch in batches)
        {
            var last = 0L;
            foreach (var package in batch)
            {
                last = (await tree.RecordAsync("ann", $"install {package}", command: $"nix-env -iA nixpkgs.{package}")).SequenceNr;
            }

            // The direction comes from the memory's command embeddings: fold once the memory holds this batch's commands.
            await Eventually.HoldsAsync(async () =>
                (await tree.AskAsync<NixHumanity.Actors.Projections.ProjectionStatus>(new NixHumanity.Actors.Memory.GetMemoryStatus("ann"))).LastSequenceNr.Should().BeGreaterThanOrEqualTo(last));
            clock?.Advance(TimeSpan.FromMinutes(1));
            var fold = await tree.AskAsync<FoldReport>(new FoldPreferences("ann"));
            fold.DirectionFromMemory.Should().BeTrue("the memory sent the command embeddings");
            stamps.Add(fold.Stamp!.Value);
        }

        return stamps;
    }

    private static GetPreferences EverythingAt(DateTimeOffset at) =>
        new("ann", at.ToString("O", CultureInfo.InvariantCulture), "0..767");

    private static async Task<List<Preferences>> ReadAtEveryFoldAsync(ActorTree tree, IReadOnlyList<DateTimeOffset> stamps)
    {
        var answers = new List<Preferences>();
        foreach (var stamp in stamps)
        {
            answers.Add(await tree.AnswerAsync<Preferences>(EverythingAt(stamp)));
        }

        answers.Add(await tree.AnswerAsync<Preferences>(new GetPreferences("ann", Features: "0..767")));
        return answers;
    }

    [Theory]
    [InlineData(Damage.Missing)]
    [InlineData(Damage.ChecksumCorrupt)]
    public async Task The_rebuilt_tensor_answers_every_past_fold_exactly_preference_direction_included(Damage damage)
    {
        IReadOnlyList<DateTimeOffset> stamps;
        List<Preferences> before;
        await using (var tree = ActorTree.Start(_data.Path))
        {
            stamps = await RecordAndFoldThreeTimesAsync(tree);
            before = await ReadAtEveryFoldAsync(tree, stamps);
        }

        var directions = before.Take(stamps.Count)
            .Select(p => p.Cells.Where(c => c.Feature < BehaviourFeatures.First).Select(c => c.Value).ToArray()).ToList();
        // Every past fold reads a direction at its own stamp; a rebuild that asked the memory once and wrote its answer
        // at the last stamp (as before the fold log kept directions) would leave the first two without one.
        directions.Should().AllSatisfy(d => d.Should().HaveCount(384), "every fold wrote a direction");
        Apply(damage);

        await using var restarted = ActorTree.Start(_data.Path);
        var after = await ReadAtEveryFoldAsync(restarted, stamps);
        for (var i = 0; i < after.Count; i++)
        {
            after[i].Cells.Should().BeEquivalentTo(before[i].Cells, o => o.WithStrictOrdering(),
                i < stamps.Count ? $"the fold log holds fold {i + 1}'s direction and replays its counters" : "the latest answer is the last fold's");
        }

        restarted.Client().StoreRepairs().Should().ContainSingle().Which.Rebuilt.Should().Contain("3 logged folds replayed, 3 preference directions as logged");
    }

    [Fact]
    public async Task A_fold_log_without_directions_rebuilds_the_behaviour_at_every_fold_and_asks_the_memory_for_the_latest_direction()
    {
        // Folds a minute apart: each fold has its own time coordinate (see RecordAndFoldThreeTimesAsync). On the wall
        // clock, folds in one second made this spec see the memory's direction "at an earlier fold's stamp".
        var clock = new ManualClockForTree(DateTimeOffset.UtcNow);
        IReadOnlyList<DateTimeOffset> stamps;
        List<Preferences> before;
        await using (var tree = ActorTree.Start(_data.Path, clock: clock))
        {
            stamps = await RecordAndFoldThreeTimesAsync(tree, clock);
            before = await ReadAtEveryFoldAsync(tree, stamps);
        }

        // A fold log written before directions were logged.
        using (var analytics = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(Learner, "analytics.duckdb")}"))
        {
            analytics.Open();
            using var forget = analytics.CreateCommand();
            forget.CommandText = "UPDATE folds SET direction = NULL";
            forget.ExecuteNonQuery().Should().Be(3);
        }

        Apply(Damage.Missing);

        await using var restarted = ActorTree.Start(_data.Path, clock: clock);
        var after = await ReadAtEveryFoldAsync(restarted, stamps);
        after[^1].Cells.Should().BeEquivalentTo(before[^1].Cells, o => o.WithStrictOrdering(), "the memory's commands are those of the last fold");
        after[^2].Cells.Should().BeEquivalentTo(before[^2].Cells, o => o.WithStrictOrdering(), "the memory's answer is written at the last fold's stamp");
        for (var i = 0; i < stamps.Count - 1; i++)
        {
            after[i].Cells.Should().BeEquivalentTo(before[i].Cells.Where(c => c.Feature >= BehaviourFeatures.First), o => o.WithStrictOrdering(),
                "an earlier fold's direction is in no log: its behaviour features are exact, its direction is not invented");
        }

        restarted.Client().StoreRepairs().Should().ContainSingle().Which.Rebuilt.Should().Contain("0 preference directions as logged")
            .And.Contain("asked from memory again");
    }

    /// <summary>A settable clock for a whole tree (stamps of folds, journal times).</summary>
    private sealed class ManualClockForTree(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, uint mode = 0b110_000_000);
}

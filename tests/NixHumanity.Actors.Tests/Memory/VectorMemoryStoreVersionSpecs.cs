using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Memory;

public sealed class VectorMemoryStoreVersionSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private readonly TempStoreFolder _folder = new();
    private readonly ManualClock _clock = new(Start);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_applied_event_creates_the_version_numbered_by_its_sequence_number()
    {
        using var store = Open();
        store.ListVersions().Should().ContainSingle().Which.Version.Should().Be(0);

        _clock.Advance(TimeSpan.FromHours(1));
        store.Upsert([(1, TestVectors.Record("a", TestVectors.Basis(1))), (2, TestVectors.Record("b", TestVectors.Basis(2)))]);
        _clock.Advance(TimeSpan.FromHours(1));
        store.AdvanceCheckpoint(4);
        store.Upsert(5, TestVectors.Record("a", TestVectors.Basis(1))).Version.Should().Be(5);

        var versions = store.ListVersions();
        versions.Select(v => v.Version).Should().Equal(0, 1, 2, 5);
        versions[1].CreatedAt.Should().Be(Start.AddHours(1), "the events of one batch commit together");
        versions[2].CreatedAt.Should().Be(Start.AddHours(1));
        versions.Skip(1).Should().OnlyContain(v => v.RowsWritten == 1 && v.SequenceNr == v.Version);
        versions[1].Description.Should().StartWith("new memory");
        versions[3].CreatedAt.Should().Be(Start.AddHours(2));
        versions[3].Description.Should().StartWith("updated memory");
        store.CurrentVersion.Should().Be(5);
    }

    [Fact]
    public void The_same_events_give_the_same_versions_reads_and_compaction_however_they_were_batched()
    {
        using var other = new TempStoreFolder();
        using var oneByOne = Open();
        using var batched = VectorMemoryStore.Open(other.StorePath, clock: _clock);
        (long, MemoryRecord)[] events =
        [
            (1, TestVectors.Record("a", TestVectors.Basis(1), succeeded: true, text: "a first")),
            (2, TestVectors.Record("b", TestVectors.Basis(2), succeeded: false)),
            (3, TestVectors.Record("a", TestVectors.Basis(3), succeeded: false, text: "a second")),
            (5, TestVectors.Record("a", TestVectors.Basis(5), succeeded: true, text: "a third")),
            (6, TestVectors.Record("c", TestVectors.Basis(6))),
        ];
        foreach (var e in events)
        {
            oneByOne.Upsert([e]);
        }

        batched.Upsert(events[..3]);
        batched.AdvanceCheckpoint(4);
        batched.Upsert(events[3..]);

        batched.ListVersions().Select(v => v.Version).Should().Equal(oneByOne.ListVersions().Select(v => v.Version));
        for (var version = 0; version <= 6; version++)
        {
            var asOf = MemoryAsOf.AtVersion(version);
            batched.Search(TestVectors.Basis(1), 10, asOf: asOf).Results.Should().BeEquivalentTo(
                oneByOne.Search(TestVectors.Basis(1), 10, asOf: asOf).Results, o => o.WithStrictOrdering(), "as of version {0}", version);
        }

        batched.Search(TestVectors.Basis(3), 1, asOf: MemoryAsOf.AtVersion(3)).Results.Single().Text.Should().Be("a second",
            "a command recorded twice in one batch keeps its state between the two");
        var expected = oneByOne.Compact(4);
        var actual = batched.Compact(4);
        actual.Should().BeEquivalentTo(expected, o => o.Excluding(r => r.OldestReadableAt).Excluding(r => r.Summary));
        actual.OldestReadableVersion.Should().Be(3, "position 4 changed nothing, so version 3 stays readable");
        actual.RowVersionsRemoved.Should().Be(1, "the first row of 'a' was superseded at 3");
    }

    [Fact]
    public void Version_timestamps_stay_strictly_increasing_when_the_clock_does_not_move()
    {
        using var store = Open();
        store.Upsert(1, TestVectors.Record("a", TestVectors.Basis(1)));
        store.Upsert(2, TestVectors.Record("b", TestVectors.Basis(2)));
        var versions = store.ListVersions();
        versions[2].CreatedAt.Should().BeAfter(versions[1].CreatedAt);
    }

    [Fact]
    public void Search_as_of_a_version_or_time_reads_the_table_as_it_was()
    {
        using var store = Open();
        var firefoxOld = TestVectors.Basis(20);
        var firefoxNew = TestVectors.Basis(21);

        _clock.Advance(TimeSpan.FromHours(1));
        store.Upsert(1, TestVectors.Record("nix-env -iA nixpkgs.firefox", firefoxOld, succeeded: false, text: "get me firefox"));
        _clock.Advance(TimeSpan.FromHours(1));
        store.Upsert(2, TestVectors.Record("nix-env -iA nixpkgs.firefox", firefoxNew, succeeded: true, text: "install the firefox browser"));
        _clock.Advance(TimeSpan.FromHours(1));
        store.Upsert(3, TestVectors.Record("htop", TestVectors.Basis(30)));

        var now = store.Search(firefoxOld, 5).Results;
        now.Should().HaveCount(2);
        now.Single(r => r.Command.StartsWith("nix-env", StringComparison.Ordinal)).Text.Should().Be("install the firefox browser");

        var v1 = store.Search(firefoxOld, 5, asOf: MemoryAsOf.AtVersion(1));
        v1.Strategy.Should().Be(SearchStrategy.ExactHistorical);
        v1.Version.Should().Be(1);
        v1.Results.Should().ContainSingle();
        v1.Results[0].Text.Should().Be("get me firefox");
        v1.Results[0].SuccessRate.Should().Be(0);
        v1.Results[0].Similarity.Should().BeApproximately(1.0, 1e-5);

        var v2 = store.Search(firefoxOld, 5, asOf: MemoryAsOf.AtVersion(2)).Results;
        v2.Should().ContainSingle().Which.SuccessRate.Should().Be(0.5);

        var betweenV1AndV2 = store.Search(firefoxOld, 5, asOf: MemoryAsOf.AtTime(Start.AddHours(1.5)));
        betweenV1AndV2.Version.Should().Be(1);
        store.Search(firefoxOld, 5, asOf: MemoryAsOf.AtTime(Start.AddMinutes(30))).Results.Should().BeEmpty("version 0 is the empty table");
        store.Search(firefoxOld, 5, asOf: MemoryAsOf.Parse("2")).Version.Should().Be(2);
        store.Search(firefoxOld, 5, asOf: MemoryAsOf.Parse(Start.AddHours(2.5).ToString("O"))).Version.Should().Be(2);
        store.Search(firefoxOld, 5, "success_rate > 0.4", MemoryAsOf.AtVersion(1)).Results.Should().BeEmpty();
        store.Search(firefoxOld, 5, "success_rate > 0.4", MemoryAsOf.AtVersion(2)).Results.Should().ContainSingle();
    }

    [Fact]
    public void As_of_rejects_unknown_versions_and_times_before_history()
    {
        using var store = Open();
        store.Upsert(1, TestVectors.Record("a", TestVectors.Basis(1)));
        ((Action)(() => store.Search(TestVectors.Basis(1), 1, asOf: MemoryAsOf.AtVersion(9)))).ShouldBeRejected("asOf: version 9 does not exist (current version is 1)");
        ((Action)(() => store.Search(TestVectors.Basis(1), 1, asOf: MemoryAsOf.AtTime(Start.AddDays(-1))))).ShouldBeRejected("asOf: * is before the oldest readable version 0*");
        ((Action)(() => MemoryAsOf.Parse("last tuesday"))).ShouldBeRejected("asOf: 'last tuesday' is neither*");
    }

    [Fact]
    public void Compaction_drops_old_versions_and_superseded_rows_and_keeps_later_reads_identical()
    {
        using var store = Open();
        for (var i = 1; i <= 6; i++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            store.Upsert(i, TestVectors.Record(i % 2 == 0 ? "even" : "odd", TestVectors.Basis(i), succeeded: i % 3 != 0, text: $"phrasing {i}"));
        }

        var query = TestVectors.Basis(4);
        var v4Before = store.Search(query, 5, asOf: MemoryAsOf.AtVersion(4)).Results;
        var liveBefore = store.Search(query, 5).Results;

        var report = store.Compact(4);

        report.VersionsRemoved.Should().Be(4, "versions 0, 1, 2 and 3 are no longer readable");
        report.RemovedFromVersion.Should().Be(0);
        report.RemovedToVersion.Should().Be(3);
        report.OldestReadableVersion.Should().Be(4);
        report.OldestReadableAt.Should().Be(Start.AddHours(4));
        report.CurrentVersion.Should().Be(6);
        // Rows written at versions 1 and 2 were superseded at 3 and 4; the row of version 3 lives until 5.
        report.RowVersionsRemoved.Should().Be(2);
        report.Summary.Should().Contain("versions 0–3").And.Contain("no longer possible").And.Contain("4–6");

        store.ListVersions().Select(v => v.Version).Should().Equal(4, 5, 6);
        store.Search(query, 5, asOf: MemoryAsOf.AtVersion(4)).Results.Should().BeEquivalentTo(v4Before, o => o.WithStrictOrdering());
        store.Search(query, 5).Results.Should().BeEquivalentTo(liveBefore, o => o.WithStrictOrdering());
        ((Action)(() => store.Search(query, 5, asOf: MemoryAsOf.AtVersion(3)))).ShouldBeRejected("asOf: version 3 is no longer readable*oldest readable version is 4");
        store.GetMemory("even")!.Attempts.Should().Be(3, "compaction never changes live statistics");
    }

    [Fact]
    public void Compaction_to_the_current_version_keeps_only_the_live_table_and_survives_reopening()
    {
        using (var store = Open())
        {
            for (var i = 1; i <= 4; i++)
            {
                _clock.Advance(TimeSpan.FromMinutes(5));
                store.Upsert(i, TestVectors.Record("same", TestVectors.Basis(i)));
            }

            var report = store.Compact();
            report.OldestReadableVersion.Should().Be(4);
            report.RowVersionsRemoved.Should().Be(3);
            store.Compact().VersionsRemoved.Should().Be(0, "compacting again removes nothing");
            ((Action)(() => store.Compact(99))).ShouldBeRejected("upToVersion: *");
        }

        using var reopened = Open();
        reopened.ListVersions().Select(v => v.Version).Should().Equal(4);
        reopened.OldestReadableVersion.Should().Be(4);
        reopened.GetMemory("same")!.Attempts.Should().Be(4);
        reopened.Upsert(5, TestVectors.Record("same", TestVectors.Basis(5))).Version.Should().Be(5);
    }

    private VectorMemoryStore Open() => VectorMemoryStore.Open(_folder.StorePath, clock: _clock);
}

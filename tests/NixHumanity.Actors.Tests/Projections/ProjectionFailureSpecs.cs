using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// The skeleton when something goes wrong: requests queued behind a failure are answered at once with the reason,
/// a store found damaged while running is set aside, and a store ahead of its journal or built from another journal
/// is rebuilt (on a <see cref="TestProjection"/> and a list journal).
/// </summary>
public sealed class ProjectionFailureSpecs : TestProjectionSpecs
{
    [Fact]
    public void Requests_queued_behind_a_failure_are_answered_unavailable_with_the_reason_and_the_actor_stops()
    {
        var projection = Start();
        Applied(projection);
        Watch(projection);

        projection.Tell(new FailOn(new InvalidOperationException("the disk went away")), TestActor);
        projection.Tell(new Ping(), TestActor);
        projection.Tell(new Ping(), TestActor);

        // The failing request itself and both queued behind it: none is dropped, none waits for a timeout.
        for (var i = 0; i < 3; i++)
        {
            var unavailable = ExpectMsg<TemporarilyUnavailable>();
            unavailable.Component.Should().Be("test");
            unavailable.Reason.Should().Contain("the disk went away");
            unavailable.DiskFullPath.Should().BeNull();
        }

        ExpectTerminated(projection);
    }

    [Fact]
    public void A_full_disk_is_answered_with_the_file_that_could_not_be_written()
    {
        var projection = Start();
        Applied(projection);

        projection.Tell(new FailOn(new IOException("No space left on device")), TestActor);
        projection.Tell(new Ping(), TestActor);

        ExpectMsg<TemporarilyUnavailable>().DiskFullPath.Should().Be(StorePath);
    }

    [Fact]
    public void A_store_found_unreadable_while_running_is_set_aside_when_the_actor_stops()
    {
        TestStore.WriteCaughtUpTo(StorePath, 2);
        var projection = Start();
        Applied(projection);
        Watch(projection);

        projection.Tell(new FailOn(new InvalidDataException("checksum mismatch")), TestActor);
        projection.Tell(new Ping(), TestActor);

        // The failing request and the one queued behind it.
        ExpectMsg<TemporarilyUnavailable>().Reason.Should().Contain("unreadable");
        ExpectMsg<TemporarilyUnavailable>().Reason.Should().Contain("unreadable");
        ExpectTerminated(projection);
        File.Exists(StorePath).Should().BeFalse();
        Directory.GetFiles(Data.Path, TestStore.FileName + ".damaged-*").Should().ContainSingle();
    }

    [Fact]
    public void A_store_ahead_of_its_journal_is_set_aside_reported_and_rebuilt()
    {
        Journal.Identity = "journal-a";
        Journal.Append(Enumerable.Range(1, 3).Select(Event).ToArray());
        TestStore.WriteCaughtUpTo(StorePath, 5);
        File.WriteAllText(Path.Combine(Data.Path, JournalOrigin.FileName), "journal-a");

        var projection = Start();

        Batches.ExpectMsg<BatchApplied>().SequenceNrs.Should().Equal(1, 2, 3);
        Applied(projection).SequenceNrs.Should().Equal(1, 2, 3);
        Directory.GetFiles(Data.Path, TestStore.FileName + ".journal-behind-*").Should().ContainSingle();
        Directory.GetFiles(Data.Path, "journal-loss-*.json").Should().ContainSingle();
    }

    [Fact]
    public void A_store_built_from_another_journal_is_rebuilt_from_this_one()
    {
        Journal.Identity = "journal-b";
        Journal.Append(Enumerable.Range(1, 6).Select(Event).ToArray());
        TestStore.WriteCaughtUpTo(StorePath, 2);
        File.WriteAllText(Path.Combine(Data.Path, JournalOrigin.FileName), "journal-a");

        var projection = Start();

        Applied(projection).SequenceNrs.Should().Equal(1, 2, 3, 4, 5, 6);
        File.ReadAllText(Path.Combine(Data.Path, JournalOrigin.FileName)).Should().Be("journal-b");
        Directory.GetFiles(Data.Path, TestStore.FileName + ".other-journal-*").Should().ContainSingle();
    }

    [Fact]
    public void A_store_on_the_journal_it_was_built_from_goes_on_from_its_checkpoint()
    {
        Journal.Identity = "journal-a";
        Journal.Append(Enumerable.Range(1, 4).Select(Event).ToArray());
        TestStore.WriteCaughtUpTo(StorePath, 2);

        var projection = Start();

        Batches.ExpectMsg<BatchApplied>().SequenceNrs.Should().Equal(3, 4);
        Applied(projection).Checkpoint.Should().Be(4);
        File.ReadAllText(Path.Combine(Data.Path, JournalOrigin.FileName)).Should().Be("journal-a", "a store without a recorded journal adopts it");
        Directory.GetFiles(Data.Path, TestStore.FileName + ".*").Where(f => Path.GetFileName(f) != TestStore.FileName).Should().BeEmpty();
    }
}

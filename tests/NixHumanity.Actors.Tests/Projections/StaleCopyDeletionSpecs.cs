using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Memory;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// Deleting a forgotten person's stale copies on a node (asked by the forgetting node, or the start-up sweep) at the
/// instant the person starts again on that node (docs/adr/0023, addendum 2026-12-02): the new copy's folder exists
/// before it carries the current generation, and must not be taken for a stale one.
/// </summary>
public sealed class StaleCopyDeletionSpecs : TestProjectionSpecs
{
    private const string Generation = "generation-after-the-forget";

    [Fact]
    public async Task A_deletion_while_the_persons_projection_is_opening_waits_and_keeps_the_new_copy()
    {
        var data = new DataDirectory(Data.Path);
        var folder = data.ComponentFolder("ann", "test");
        var opening = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        Journal.Identity = "journal-1";
        Journal.Generation = Generation;
        Journal.Append(Event(1));
        // Held inside the projection's opening: its folder exists, its journal-origin is not written yet.
        Journal.OnDescribe = () =>
        {
            if (Directory.Exists(folder))
            {
                opening.Set();
                release.Wait();
            }
        };
        var projection = Sys.ActorOf(TestProjection.Props(
            folder, new ProjectionOptions(), new ManualClock(Morning), Journal, Batches.Ref));
        AwaitCondition(() => opening.IsSet, TimeSpan.FromSeconds(60));
        Directory.Exists(folder).Should().BeTrue();
        File.Exists(Path.Combine(folder, JournalOrigin.FileName)).Should().BeFalse("the copy is not stamped yet");

        var deletion = Task.Run(() => ProjectionCopies.DeleteStale(data, "ann", Generation));
        // Either the deletion went ahead (the race) or it waits for the opening: never a wall-clock guess.
        AwaitCondition(() => deletion.IsCompleted || ProjectionCopies.Gate(data.UserFolder("ann")).WaitingWriteCount > 0, TimeSpan.FromSeconds(60));
        deletion.IsCompleted.Should().BeFalse("a deletion of stale copies waits while the person's projection opens its folder");
        Journal.OnDescribe = null;
        release.Set();

        (await deletion).Should().BeEmpty("the copy being opened is of the current generation");
        JournalOrigin.ReadGeneration(folder).Should().Be(Generation);
        Batches.ExpectMsg<BatchApplied>(TimeSpan.FromSeconds(60)).SequenceNrs.Should().Equal(1);
        projection.Tell(new GetApplied(), TestActor);
        ExpectMsg<AppliedSoFar>().Checkpoint.Should().Be(1);
        ProjectionCopies.DeleteStale(data, "ann", Generation).Should().BeEmpty("a stamped copy of the current generation is kept");
        ProjectionCopies.DeleteStale(data, "ann", "a-later-generation").Should().Equal("test");
    }
}

using Akka.Actor;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// A progress request (status) goes ahead of the projection's queue (docs/adr/0052): with more than a batch of
/// messages waiting it is answered at once with the checkpoint reached; with less, it still sees every event queued
/// before it. The projection is held by a request while events queue behind it, so nothing depends on timing.
/// </summary>
public sealed class ProgressRequestSpecs : TestProjectionSpecs
{
    private static SessionEventPublished Published(JournaledSessionEvent e) => new("ann", e.SequenceNr, e.Event);

    /// <summary>Holds the projection, pushes <paramref name="events"/> events after #1 and asks for progress behind them.</summary>
    private IActorRef HoldThenPushAndAsk(int events)
    {
        Journal.Append(Event(1));
        var projection = Start(batchSize: 3, maxLiveLag: 1024);
        Applied(projection).Checkpoint.Should().Be(1);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        projection.Tell(new Hold(entered, release));
        entered.Wait(TimeSpan.FromMinutes(1)).Should().BeTrue();
        foreach (var e in Journal.Append(Enumerable.Range(2, events).Select(Event).ToArray()))
        {
            projection.Tell(Published(e));
        }

        projection.Tell(new GetProgress(), TestActor);
        release.Set();
        return projection;
    }

    [Fact]
    public void A_status_asked_behind_more_than_a_batch_of_queued_events_is_answered_before_them_with_the_checkpoint_reached()
    {
        var projection = HoldThenPushAndAsk(events: 18);

        ExpectMsg<AppliedSoFar>().Checkpoint.Should().Be(1, "the status went ahead of the 18 events queued before it");
        Applied(projection).SequenceNrs.Should().Equal(Enumerable.Range(1, 19).Select(n => (long)n), "the events are applied after it, each once");
        Journal.Starts.Select(s => s.After).Should().Equal([0], "within its max live lag the projection did not read the journal");
    }

    [Fact]
    public void A_status_asked_behind_at_most_a_batch_of_queued_events_sees_all_of_them()
    {
        HoldThenPushAndAsk(events: 3);

        ExpectMsg<AppliedSoFar>().SequenceNrs.Should().Equal([1, 2, 3, 4], "every event queued before the status is applied before it is answered");
    }

    [Fact]
    public void A_status_queued_together_with_the_graceful_stop_is_answered_before_the_projection_stops()
    {
        // A passivating tree's directory holds new requests, but one routed just before its decision reaches the
        // projection ahead of the stop: the status goes ahead of the queue, is sent to its back, behind the stop, and
        // was answered "stopped before it handled the request" by the dead letters' answerer.
        Journal.Append(Event(1));
        var projection = Start(batchSize: 3, maxLiveLag: 1024);
        Applied(projection).Checkpoint.Should().Be(1);
        Watch(projection);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        projection.Tell(new Hold(entered, release));
        entered.Wait(TimeSpan.FromMinutes(1)).Should().BeTrue();
        projection.Tell(new GetProgress(), TestActor);
        projection.Tell(Contracts.StopGracefully.Instance);
        release.Set();

        ExpectMsg<object>().Should().BeOfType<AppliedSoFar>("the status reached the projection before its stop")
            .Which.SequenceNrs.Should().Equal([1]);
        ExpectTerminated(projection);
    }
}

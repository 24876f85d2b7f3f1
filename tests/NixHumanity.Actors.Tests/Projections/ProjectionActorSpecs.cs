using Akka.Actor;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// The projection skeleton alone: a <see cref="TestProjection"/> on a tiny file store, its journal a list
/// (<see cref="ListJournalSource"/>), every applied batch reported to a probe.
/// </summary>
public sealed class ProjectionActorSpecs : TestProjectionSpecs
{
    private Akka.TestKit.TestScheduler Scheduler => (Akka.TestKit.TestScheduler)Sys.Scheduler;

    private static SessionEventPublished Published(JournaledSessionEvent e) => new("ann", e.SequenceNr, e.Event);

    [Fact]
    public void Catch_up_reads_the_journal_after_the_checkpoint_and_applies_only_the_new_events()
    {
        Journal.Append(Enumerable.Range(1, 5).Select(Event).ToArray());
        TestStore.WriteCaughtUpTo(StorePath, 2);

        var projection = Start();

        Batches.ExpectMsg<BatchApplied>().SequenceNrs.Should().Equal(3, 4, 5);
        Journal.Starts.Should().ContainSingle().Which.After.Should().Be(2);
        Applied(projection).SequenceNrs.Should().Equal(1, 2, 3, 4, 5);
    }

    [Fact]
    public void Catch_up_reads_in_batches_of_the_configured_size()
    {
        Journal.Append(Enumerable.Range(1, 10).Select(Event).ToArray());

        var projection = Start(batchSize: 4);

        Batches.ExpectMsg<BatchApplied>().SequenceNrs.Should().Equal(1, 2, 3, 4);
        Journal.Starts.Should().ContainSingle().Which.BatchSize.Should().Be(4);
        Batches.ExpectMsg<BatchApplied>().SequenceNrs.Should().Equal(5, 6, 7, 8);
        Batches.ExpectMsg<BatchApplied>().SequenceNrs.Should().Equal(9, 10);
        Applied(projection).Checkpoint.Should().Be(10);
    }

    [Fact]
    public void Live_events_are_applied_together_one_window_after_the_first_without_waiting_for_a_request()
    {
        var window = TimeSpan.FromMilliseconds(100);
        var projection = Start(liveApplyWindow: window);
        // Caught up with the (empty) journal: events pushed during a catch-up are applied at its end instead.
        Applied(projection).Checkpoint.Should().Be(0);
        var live = Journal.Append(Event(1), Event(2), Event(3));
        projection.Tell(Published(live[0]));
        // Handled (the window's timer runs) before the virtual clock moves.
        Stored(projection).SequenceNrs.Should().BeEmpty();
        Scheduler.Advance(window / 2);

        projection.Tell(Published(live[1]));
        projection.Tell(Published(live[2]));

        // The store is not written while the window runs (a record right after another finds the disk to itself)...
        Stored(projection).SequenceNrs.Should().BeEmpty();
        Scheduler.Advance(window / 2 - TimeSpan.FromMilliseconds(1));
        Stored(projection).SequenceNrs.Should().BeEmpty();
        // ...and when it has passed, the burst is applied in one transaction.
        Scheduler.Advance(TimeSpan.FromMilliseconds(1));
        Batches.ExpectMsg<BatchApplied>().SequenceNrs.Should().Equal(1, 2, 3);
        Stored(projection).Checkpoint.Should().Be(3);
    }

    [Fact]
    public void A_request_inside_the_window_sees_the_live_events_before_it()
    {
        var projection = Start(liveApplyWindow: TimeSpan.FromMilliseconds(100));
        Applied(projection).Checkpoint.Should().Be(0);
        var live = Journal.Append(Event(1), Event(2));

        projection.Tell(Published(live[0]));
        projection.Tell(Published(live[1]));

        Applied(projection).SequenceNrs.Should().Equal(1, 2);
        Batches.ExpectMsg<BatchApplied>().SequenceNrs.Should().Equal(1, 2);
    }

    [Fact]
    public void With_a_zero_window_live_events_are_applied_when_the_mailbox_drains_without_waiting_for_a_request()
    {
        var projection = Start(liveApplyWindow: TimeSpan.Zero);
        var live = Journal.Append(Event(1), Event(2), Event(3));

        foreach (var e in live)
        {
            projection.Tell(Published(e));
        }

        var applied = new List<long>();
        while (applied.Count < 3)
        {
            applied.AddRange(Batches.ExpectMsg<BatchApplied>().SequenceNrs);
        }

        applied.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void A_request_sent_after_n_live_events_sees_all_n_each_applied_once_in_bounded_batches()
    {
        var projection = Start(batchSize: 3);
        var live = Journal.Append(Enumerable.Range(1, 8).Select(Event).ToArray());

        foreach (var e in live.Concat(live.Take(2)))
        {
            projection.Tell(Published(e));
        }

        Applied(projection).SequenceNrs.Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        var batches = new List<BatchApplied>();
        while (batches.Sum(b => b.SequenceNrs.Count) < 8)
        {
            batches.Add(Batches.ExpectMsg<BatchApplied>());
        }

        batches.Should().OnlyContain(b => b.SequenceNrs.Count <= 3, "the live buffer is bounded by the batch size");
    }

    [Fact]
    public void An_event_after_a_gap_sends_the_projection_back_to_the_journal_and_is_applied_exactly_once()
    {
        Journal.Append(Event(1), Event(2));
        var projection = Start();
        Applied(projection).Checkpoint.Should().Be(2);
        var missed = Journal.Append(Event(3), Event(4), Event(5));

        projection.Tell(Published(missed[^1]));

        Applied(projection).SequenceNrs.Should().Equal(1, 2, 3, 4, 5);
        Journal.Starts.Select(s => s.After).Should().Equal(0, 2);
    }

    [Fact]
    public void A_projection_with_more_queued_than_its_max_live_lag_drops_pushed_events_and_catches_up_from_the_journal_exactly_once()
    {
        Journal.Append(Event(1), Event(2));
        var projection = Start(batchSize: 3, maxLiveLag: 4);
        Applied(projection).Checkpoint.Should().Be(2);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        projection.Tell(new Hold(entered, release));
        entered.Wait(TimeSpan.FromMinutes(1)).Should().BeTrue();

        // 18 events queue up behind the held projection: it has fallen behind by more than 4.
        foreach (var e in Journal.Append(Enumerable.Range(3, 18).Select(Event).ToArray()))
        {
            projection.Tell(Published(e));
        }

        release.Set();

        Applied(projection).SequenceNrs.Should().Equal(Enumerable.Range(1, 20).Select(n => (long)n));
        // Back to the journal at #2; what was pushed meanwhile beyond one batch was dropped, so one more round
        // (after #20) finds nothing: every event read once, none from the dropped pushes.
        Journal.Starts.Select(s => s.After).Should().Equal(0, 2, 20);
        var batches = new List<BatchApplied>();
        while (batches.Sum(b => b.SequenceNrs.Count) < 18)
        {
            batches.Add(Batches.ExpectMsg<BatchApplied>());
        }

        batches.Should().OnlyContain(b => b.SequenceNrs.Count <= 3);
    }

    [Fact]
    public void A_projection_that_fell_behind_answers_a_progress_request_at_once_and_other_requests_after_catching_up()
    {
        Journal.Append(Event(1), Event(2));
        var projection = Start(batchSize: 3, maxLiveLag: 4);
        Applied(projection).Checkpoint.Should().Be(2);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        projection.Tell(new Hold(entered, release));
        entered.Wait(TimeSpan.FromMinutes(1)).Should().BeTrue();
        foreach (var e in Journal.Append(Enumerable.Range(3, 18).Select(Event).ToArray()))
        {
            projection.Tell(Published(e));
        }

        // Both queued behind the pushed events: the projection is catching up from the journal when they come up.
        projection.Tell(new GetApplied(), TestActor);
        projection.Tell(new GetProgress(), TestActor);
        release.Set();

        // The progress request overtakes the catch-up (and the request stashed before it) with where it is: #2.
        ExpectMsg<AppliedSoFar>(TimeSpan.FromMinutes(1)).Checkpoint.Should().Be(2);
        // The other request waits until the journal has been read past everything acknowledged before it was sent.
        ExpectMsg<AppliedSoFar>(TimeSpan.FromMinutes(1)).Checkpoint.Should().Be(20);
        Journal.Starts.Select(s => s.After).Should().StartWith([0, 2]);
    }

    [Fact]
    public void A_projection_within_its_max_live_lag_applies_pushed_events_without_reading_the_journal()
    {
        Journal.Append(Event(1));
        var projection = Start(batchSize: 3, maxLiveLag: 64);
        Applied(projection).Checkpoint.Should().Be(1);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        projection.Tell(new Hold(entered, release));
        entered.Wait(TimeSpan.FromMinutes(1)).Should().BeTrue();

        foreach (var e in Journal.Append(Enumerable.Range(2, 18).Select(Event).ToArray()))
        {
            projection.Tell(Published(e));
        }

        release.Set();

        Applied(projection).SequenceNrs.Should().Equal(Enumerable.Range(1, 19).Select(n => (long)n));
        Journal.Starts.Select(s => s.After).Should().Equal(0);
    }

    [Fact]
    public void An_event_the_journal_still_lacks_after_catching_up_is_applied_rather_than_looping()
    {
        Journal.Append(Event(1));
        var projection = Start();
        Applied(projection).Checkpoint.Should().Be(1);

        projection.Tell(new SessionEventPublished("ann", 4, Event(4)));

        Applied(projection).SequenceNrs.Should().Equal(1, 4);
        Journal.Starts.Select(s => s.After).Should().Equal(0, 1);
    }

    [Fact]
    public void An_unreadable_store_is_set_aside_under_the_clock_s_time_and_rebuilt_from_the_journal()
    {
        Journal.Append(Event(1), Event(2), Event(3));
        File.WriteAllText(StorePath, "not a store");

        var projection = Start();

        Applied(projection).SequenceNrs.Should().Equal(1, 2, 3);
        var aside = StorePath + ".unreadable-20260301T080000000";
        File.ReadAllText(aside).Should().Be("not a store", "the damaged file is kept, never deleted");
        File.ReadAllLines(StorePath)[0].Should().Be("checkpoint 3");
    }

    [Fact]
    public void A_stopped_projection_resumes_from_its_checkpoint()
    {
        Journal.Append(Event(1), Event(2));
        var first = Start();
        Applied(first).Checkpoint.Should().Be(2);
        Watch(first);
        first.Tell(Contracts.StopGracefully.Instance);
        ExpectTerminated(first);
        Journal.Append(Event(3));

        var second = Start();

        Applied(second).SequenceNrs.Should().Equal(1, 2, 3);
        Journal.Starts.Select(s => s.After).Should().Equal(0, 2);
    }
}

using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Microsoft.Extensions.Time.Testing;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Session;

/// <summary>
/// The session actor alone: an in-memory journal, probes for the memory and learner actors, and a clock the spec
/// moves. The same behaviour on the real journal is in <see cref="SessionPersistenceIntegrationSpecs"/>.
/// </summary>
public sealed class SessionActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly TestProbe _memory;
    private readonly TestProbe _learner;

    public SessionActorSpecs()
        : base(SpecConfig.Hocon)
    {
        _memory = CreateTestProbe("memory");
        _learner = CreateTestProbe("learner");
    }

    private IActorRef Start(string userId = "maya", int snapshotInterval = 1000) =>
        Sys.ActorOf(SessionActor.Props(userId, new SessionSettings(new FlowOptions(), snapshotInterval), _clock, _memory, _learner));

    private InteractionAcknowledged Record(IActorRef session, string text, double? flowScore = null,
        InteractionOutcome outcome = InteractionOutcome.Success, string userId = "maya")
    {
        session.Tell(new RecordInteraction(userId, "s1", text, $"cmd {text}", Outcome: outcome, FlowScore: flowScore));
        return ExpectMsg<InteractionAcknowledged>();
    }

    private NotificationAcknowledged Notify(IActorRef session, string source)
    {
        session.Tell(new RecordNotification("maya", source));
        return ExpectMsg<NotificationAcknowledged>();
    }

    private SessionStatus Status(IActorRef session, string userId = "maya")
    {
        session.Tell(new GetSessionStatus(userId));
        return ExpectMsg<SessionStatus>();
    }

    /// <summary>Sustained quick, high-scoring requests five seconds apart until the session is in flow.</summary>
    private InteractionAcknowledged EnterFlow(IActorRef session)
    {
        InteractionAcknowledged ack = null!;
        for (var i = 0; i < 6 && ack is not { InFlow: true }; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            ack = Record(session, $"quick step {i}", flowScore: 0.95);
        }

        ack.InFlow.Should().BeTrue("a sustained score of 0.95 crosses the entry threshold");
        return ack;
    }

    private List<ISessionEvent> PublishedTo(TestProbe probe, int count) =>
        Enumerable.Range(0, count).Select(_ => probe.ExpectMsg<SessionEventPublished>().Event).ToList();

    private void StopAndAwait(IActorRef session)
    {
        Watch(session);
        session.Tell(StopGracefully.Instance);
        ExpectTerminated(session);
    }

    [Fact]
    public async Task An_interaction_is_acknowledged_and_published_only_after_its_event_is_in_the_journal()
    {
        var session = Start();
        var gate = JournalGate.For(Sys);
        gate.Close();

        session.Tell(new RecordInteraction("maya", "s1", "install firefox"));
        var held = await gate.WriteHeld.WaitAsync(TimeSpan.FromSeconds(30));

        // The write is held: nothing may have answered yet (a reply can only come from the persist callback).
        HasMessages.Should().BeFalse("the caller hears nothing before the event is durable");
        _memory.HasMessages.Should().BeFalse();
        _learner.HasMessages.Should().BeFalse();
        gate.Open();
        var ack = ExpectMsg<InteractionAcknowledged>();
        held.Should().ContainSingle().Which.Payload.Should().BeOfType<InteractionRecorded>()
            .Which.InteractionId.Should().Be(ack.InteractionId);
        ack.SequenceNr.Should().Be(1);
        _memory.ExpectMsg<SessionEventPublished>().SequenceNr.Should().Be(1);
    }

    [Fact]
    public void Every_durable_event_is_published_to_memory_and_learner_with_its_sequence_number()
    {
        var session = Start();

        var first = Record(session, "install firefox");
        var second = Record(session, "install vim", outcome: InteractionOutcome.Failure);
        var notified = Notify(session, "system-update");

        foreach (var probe in new[] { _memory, _learner })
        {
            var published = Enumerable.Range(0, 3).Select(_ => probe.ExpectMsg<SessionEventPublished>()).ToList();
            published.Select(p => p.SequenceNr).Should().Equal(1, 2, 3);
            published.Should().OnlyContain(p => p.UserId == "maya");
            published[0].Event.Should().BeOfType<InteractionRecorded>().Which.InteractionId.Should().Be(first.InteractionId);
            published[1].Event.Should().BeOfType<InteractionRecorded>().Which.InteractionId.Should().Be(second.InteractionId);
            published[2].Event.Should().BeOfType<NotificationDelivered>().Which.NotificationId.Should().Be(notified.NotificationId);
        }

        new[] { first.SequenceNr, second.SequenceNr, notified.SequenceNr }.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Flow_starts_after_sustained_high_scores_holds_between_the_thresholds_and_ends_below_the_exit()
    {
        var session = Start();

        EnterFlow(session);
        var between = Enumerable.Range(0, 5).Select(i =>
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            return Record(session, $"steady {i}", flowScore: 0.55);
        }).ToList();
        InteractionAcknowledged low = between[^1];
        for (var i = 0; i < 5 && low.InFlow; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            low = Record(session, $"stuck {i}", flowScore: 0.05, outcome: InteractionOutcome.Failure);
        }

        between.Should().OnlyContain(a => a.InFlow, "0.55 lies between the exit (0.4) and entry (0.7) thresholds");
        low.InFlow.Should().BeFalse();
        low.FlowScore.Should().BeLessThan(0.4);
        // The flow end is journaled after the interaction that caused it: read up to the last event.
        var published = PublishedTo(_memory, (int)Status(session).SequenceNr);
        published.OfType<FlowStarted>().Should().ContainSingle();
        published.OfType<FlowEnded>().Should().ContainSingle().Which.Reason.Should().Be("score");
        Status(session).FlowSessions.Should().Be(1);
    }

    [Fact]
    public void Notifications_in_flow_are_deferred_and_released_by_the_interaction_that_ends_flow()
    {
        var session = Start();
        EnterFlow(session);

        var chat = Notify(session, "chat");
        var mail = Notify(session, "email");
        var inFlow = Status(session);
        InteractionAcknowledged ack;
        do
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            ack = Record(session, "stuck", flowScore: 0.05, outcome: InteractionOutcome.Failure);
        }
        while (ack.InFlow);

        chat.Should().Match<NotificationAcknowledged>(n => n.Deferred && !n.Delivered);
        mail.Deferred.Should().BeTrue();
        inFlow.Should().Match<SessionStatus>(s => s.InFlow && s.DeferredNotifications == 2);
        ack.Released.Select(r => r.NotificationId).Should().Equal(chat.NotificationId, mail.NotificationId);
        var after = Status(session);
        after.Should().Match<SessionStatus>(s => s.DeferredNotifications == 0 && s.Notifications == 2);
        PublishedTo(_learner, (int)after.SequenceNr).OfType<NotificationReleased>().Select(r => r.NotificationId)
            .Should().Equal(chat.NotificationId, mail.NotificationId);
    }

    [Fact]
    public void Going_idle_ends_flow_at_the_idle_timeout_and_the_next_notification_releases_the_held_ones()
    {
        var session = Start();
        var lastInFlow = EnterFlow(session);
        var lastInteractionAt = _clock.GetUtcNow();
        var held = Notify(session, "chat");

        _clock.Advance(new FlowOptions().IdleTimeout + TimeSpan.FromMinutes(1));
        var later = Notify(session, "calendar");

        lastInFlow.InFlow.Should().BeTrue();
        held.Deferred.Should().BeTrue();
        later.Delivered.Should().BeTrue();
        later.Released.Should().ContainSingle().Which.NotificationId.Should().Be(held.NotificationId);
        var ended = PublishedTo(_memory, (int)later.SequenceNr).OfType<FlowEnded>().Should().ContainSingle().Subject;
        ended.Reason.Should().Be("idle");
        ended.At.Should().Be(lastInteractionAt + new FlowOptions().IdleTimeout, "flow ended when the person went idle, not when the next message came");
        Status(session).InFlow.Should().BeFalse();
    }

    public static TheoryData<string, object, string> BadInput() => new()
    {
        { "empty text", new RecordInteraction("maya", "s1", ""), "text" },
        { "session id with a slash", new RecordInteraction("maya", "a/b", "install vim"), "sessionId" },
        { "NaN flow score", new RecordInteraction("maya", "s1", "install vim", FlowScore: double.NaN), "flowScore" },
        { "unknown outcome", new RecordInteraction("maya", "s1", "install vim", Outcome: (InteractionOutcome)42), "outcome" },
        { "timestamp two days ahead", new RecordInteraction("maya", "s1", "install vim", Timestamp: T0.AddDays(2)), "timestamp" },
        { "empty notification source", new RecordNotification("maya", ""), "source" },
        { "restore of nothing", new RestoreHistory("maya", []), "events" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Bad_input_is_rejected_naming_the_field_and_nothing_is_persisted_or_published(string because, object message, string field)
    {
        var session = Start();

        session.Tell(message);
        var rejected = ExpectMsg<CommandRejected>();
        var next = Record(session, "a valid request after it");

        rejected.Field.Should().Be(field, because);
        next.SequenceNr.Should().Be(1, "the rejected command wrote nothing");
        _memory.ExpectMsg<SessionEventPublished>().SequenceNr.Should().Be(1, "the rejected command published nothing");
    }

    [Fact]
    public void A_restarted_session_recovers_its_state_from_the_journal()
    {
        var session = Start();
        Record(session, "install firefox");
        Record(session, "install vim", outcome: InteractionOutcome.Failure);
        Notify(session, "system-update");
        var before = Status(session);
        StopAndAwait(session);

        var recovered = Start();
        var after = Status(recovered);
        var next = Record(recovered, "install htop");

        after.Should().BeEquivalentTo(before);
        next.SequenceNr.Should().Be(before.SequenceNr + 1);
    }

    [Fact]
    public void Recovery_starts_from_the_latest_snapshot_and_replays_only_the_tail()
    {
        var session = Start(snapshotInterval: 1000);
        for (var i = 0; i < 3; i++)
        {
            Record(session, $"request {i}");
        }

        StopAndAwait(session);
        // A snapshot at 2 that disagrees with events 1..2: only a recovery that starts from it and replays event 3
        // ends at 101 interactions.
        var snapshots = Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        snapshots.Tell(new SaveSnapshot(new SnapshotMetadata(SessionActor.PersistenceIdFor("maya"), 2, T0.UtcDateTime), SessionState.Empty with { Interactions = 100 }));
        ExpectMsg<SaveSnapshotSuccess>();

        var status = Status(Start(snapshotInterval: 1000));

        status.Interactions.Should().Be(101);
        status.SequenceNr.Should().Be(3);
    }

    [Fact]
    public void The_session_snapshots_every_interval_and_a_restart_gives_the_same_status()
    {
        var session = Start(snapshotInterval: 50);
        for (var i = 0; i < 120; i++)
        {
            Record(session, $"request {i}");
        }

        var before = Status(session);
        StopAndAwait(session);
        // The snapshot request left the session with its last reply; the in-memory store handles requests in order.
        var snapshots = Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        snapshots.Tell(new LoadSnapshot(SessionActor.PersistenceIdFor("maya"), SnapshotSelectionCriteria.Latest, long.MaxValue));
        var latest = ExpectMsg<LoadSnapshotResult>();

        latest.Snapshot.Metadata.SequenceNr.Should().Be(100);
        Status(Start(snapshotInterval: 50)).Should().BeEquivalentTo(before);
    }
}

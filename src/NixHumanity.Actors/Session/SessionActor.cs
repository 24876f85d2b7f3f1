using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Session;

/// <summary>
/// The durable heart of one person's tree: validates and journals interactions and notifications, tracks the
/// flow state, and holds notifications back while the person is in flow. Replies are sent only after the events
/// are in the journal. Every durable event is then passed to the memory and learner actors for their projections.
/// </summary>
internal sealed partial class SessionActor : ReceivePersistentActor
{
    /// <summary>
    /// Akka's default of the journal's time bound; the journal plugin's own <c>recovery-event-timeout</c> (set from
    /// <c>NixHumanityOptions.JournalTimeout</c>) wins.
    /// </summary>
    private const string FallbackTimeoutPath = "akka.persistence.journal-plugin-fallback.recovery-event-timeout";

    private readonly string _userId;
    private readonly SessionSettings _settings;
    private readonly TimeProvider _clock;
    private readonly IActorRef _memory;
    private readonly IActorRef _learner;
    private readonly JournalWatermark? _journaled;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly UnansweredRequests _unanswered = new(StoppedTargetAnswers.Get(Context.System).MarkAnswered);
    private SessionState _state = SessionState.Empty;
    private TemporarilyUnavailable? _stoppedBecause;

    /// <summary>Creates the actor; see <see cref="Props(string, SessionSettings, TimeProvider, IActorRef, IActorRef)"/>.</summary>
    public SessionActor(string userId, SessionSettings settings, TimeProvider clock, IActorRef memory, IActorRef learner)
        : this(userId, settings, clock, memory, learner, null)
    {
    }

    /// <summary>Creates the actor advancing <paramref name="journaled"/> before it publishes each event (public: Akka creates it by reflection).</summary>
    public SessionActor(string userId, SessionSettings settings, TimeProvider clock, IActorRef memory, IActorRef learner, JournalWatermark? journaled)
    {
        _journaled = journaled;
        _userId = userId;
        _settings = settings;
        _clock = clock;
        _memory = memory;
        _learner = learner;

        Recover<SnapshotOffer>(offer =>
        {
            _state = (SessionState)offer.Snapshot;
            _lastSnapshotSequenceNr = offer.Metadata.SequenceNr;
        });
        Recover<ISessionEvent>(evt => _state = _state.Apply(evt, _settings.Flow));

        Request<RecordInteraction>(HandleRecordInteraction);
        Request<RecordNotification>(HandleRecordNotification);
        Request<ImportHistory>(HandleImportHistory);
        Request<RestoreHistory>(HandleRestoreHistory);
        Request<GetSessionStatus>(_ => Sender.Tell(Status()));
        Command<StopGracefully>(_ => Context.Stop(Self));
        Command<SaveSnapshotSuccess>(DeleteOlderSnapshots);
        Command<SaveSnapshotFailure>(failure =>
            _log.Warning(failure.Cause, "Snapshot of {0} at {1} failed; recovery will replay more events", PersistenceId, failure.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning(failure.Cause, "Old snapshots of {0} were not deleted", PersistenceId));
    }

    /// <summary>
    /// Every message passes here first, also while Akka.Persistence holds it back in its internal stash (a write or the
    /// recovery is pending), so the requests that are waiting are known and can be answered if the actor stops.
    /// </summary>
    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        _unanswered.Arrived(message, Sender);
        return base.AroundReceive(receive, message);
    }

    /// <summary>The journal's persistence id of a user's session.</summary>
    public static string PersistenceIdFor(string userId) => $"session-{userId}";

    /// <inheritdoc />
    public override string PersistenceId => PersistenceIdFor(_userId);

    /// <summary>Props for a user's session actor.</summary>
    public static Props Props(string userId, SessionSettings settings, TimeProvider clock, IActorRef memory, IActorRef learner) =>
        Props(userId, settings, clock, memory, learner, null);

    /// <summary>Props of a session that advances <paramref name="journaled"/> before publishing each event (docs/adr/0053).</summary>
    internal static Props Props(string userId, SessionSettings settings, TimeProvider clock, IActorRef memory, IActorRef learner, JournalWatermark? journaled) =>
        Akka.Actor.Props.Create(() => new SessionActor(userId, settings, clock, memory, learner, journaled));

    /// <summary>The rules a recorded interaction must obey (its user id is the directory's to check).</summary>
    /// <param name="cmd">The command.</param>
    /// <param name="now">The current time; an absent timestamp means now.</param>
    internal static CommandRejected? Check(RecordInteraction cmd, DateTimeOffset now) => InputRules.FirstOf(
        ImportRules.InteractionContent(cmd.SessionId, cmd.Text, cmd.Command, cmd.Intent, cmd.CommandType, cmd.Outcome),
        InputRules.OptionalUnitScore("flowScore", cmd.FlowScore),
        InputRules.OptionalUnitScore("hrvCoherence", cmd.HrvCoherence),
        InputRules.OptionalUnitScore("attention", cmd.Attention),
        InputRules.Timestamp("timestamp", cmd.Timestamp ?? now, now));

    /// <summary>The rules a recorded notification must obey (its user id is the directory's to check).</summary>
    internal static CommandRejected? Check(RecordNotification cmd, DateTimeOffset now) => InputRules.FirstOf(
        InputRules.RequiredText("source", cmd.Source, InputRules.MaxShortFieldLength),
        InputRules.Timestamp("timestamp", cmd.Timestamp ?? now, now));

    private void HandleRecordInteraction(RecordInteraction cmd)
    {
        RequestPathTrace.Mark("session");
        var now = _clock.GetUtcNow();
        var at = cmd.Timestamp ?? now;
        if (Check(cmd, now) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        RequestPathTrace.Mark("validated");
        var interactionId = Guid.CreateVersion7(at).ToString("N");
        var events = _state.DecideInteraction(cmd, interactionId, at, _settings.Flow);
        var interactionSequenceNr = 0L;
        PersistEvents(events, evt =>
        {
            if (evt is InteractionRecorded)
            {
                interactionSequenceNr = LastSequenceNr;
            }
        }, released => new InteractionAcknowledged(interactionId, interactionSequenceNr, _state.FlowScore, _state.InFlow, released));
    }

    private void HandleRecordNotification(RecordNotification cmd)
    {
        var now = _clock.GetUtcNow();
        var at = cmd.Timestamp ?? now;
        if (Check(cmd, now) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        var notificationId = Guid.CreateVersion7(at).ToString("N");
        var events = _state.DecideNotification(notificationId, cmd.Source, at, _settings.Flow);
        var notificationSequenceNr = 0L;
        var deferred = false;
        PersistEvents(events, evt =>
        {
            if (evt is NotificationDelivered or NotificationDeferred)
            {
                notificationSequenceNr = LastSequenceNr;
                deferred = evt is NotificationDeferred;
            }
        }, released => new NotificationAcknowledged(notificationId, notificationSequenceNr, Delivered: !deferred, Deferred: deferred, released));
    }

    private void HandleImportHistory(ImportHistory cmd)
    {
        var now = _clock.GetUtcNow();
        if (ImportRules.Check(cmd, now) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        var decision = _state.DecideImport(cmd, now, at => Guid.CreateVersion7(at).ToString("N"), _settings.Flow);
        _log.Debug("Import from {0}: {1} new events, {2} duplicate rows", cmd.Source, decision.Events.Count,
            decision.InteractionDuplicates + decision.PatternDuplicates + decision.MetricDuplicates);
        if (decision.Events.Count == 0)
        {
            // Everything was imported before: nothing to write, and PersistAll would never call back.
            Sender.Tell(decision.Reply(LastSequenceNr));
            return;
        }

        PersistEvents(decision.Events, _ => { }, _ => decision.Reply(LastSequenceNr));
    }

    /// <summary>
    /// Journals <paramref name="events"/> as one atomic batch, applies each, publishes it to the projection
    /// owners, and replies once the last one is durable. The reply is built from the notifications the batch
    /// released, so the caller can show them.
    /// </summary>
    private void PersistEvents(IReadOnlyList<ISessionEvent> events, Action<ISessionEvent> onEach, Func<IReadOnlyList<DeferredNotification>, object> reply)
    {
        var sender = Sender;
        var remaining = events.Count;
        IReadOnlyList<DeferredNotification> released = events
            .OfType<NotificationReleased>()
            .Select(r => new DeferredNotification(r.NotificationId, r.Source, r.DeferredAt))
            .ToList();
        PersistAll(events, evt =>
        {
            RequestPathTrace.Mark("persisted");
            _state = _state.Apply(evt, _settings.Flow);
            onEach(evt);
            var published = new SessionEventPublished(_userId, LastSequenceNr, evt);
            // Before the projections hear of it and before the caller is acknowledged: a status answered from the
            // projections' published progress counts it (docs/adr/0053).
            _journaled?.Advance(LastSequenceNr);
            _memory.Tell(published);
            _learner.Tell(published);
            if (--remaining == 0)
            {
                sender.Tell(reply(released));
                RequestPathTrace.Mark("replied");
                SnapshotIfDue();
            }
        });
        RequestPathTrace.Mark("persist-asked");
    }

    /// <summary>
    /// Writes an export's events back, unchanged and in chunks, into a session that has none yet, so sequence
    /// numbers and every derived answer come back the same. Replies once the last chunk is durable.
    /// </summary>
    private void HandleRestoreHistory(RestoreHistory cmd)
    {
        if (LastSequenceNr != 0)
        {
            Sender.Tell(new CommandRejected("userId", $"already has history ({LastSequenceNr} events); restore only into a user without any"));
            return;
        }

        if (RestoreRules.Check(cmd.Events, _userId, _clock.GetUtcNow()) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        PersistRestoredChunk(cmd.Events, 0, Sender);
    }

    private void PersistRestoredChunk(IReadOnlyList<ISessionEvent> events, int from, IActorRef replyTo)
    {
        const int chunkSize = 1000;
        var chunk = events.Skip(from).Take(chunkSize).ToList();
        var remaining = chunk.Count;
        PersistAll(chunk, evt =>
        {
            _state = _state.Apply(evt, _settings.Flow);
            var published = new SessionEventPublished(_userId, LastSequenceNr, evt);
            // Before the projections hear of it and before the caller is acknowledged: a status answered from the
            // projections' published progress counts it (docs/adr/0053).
            _journaled?.Advance(LastSequenceNr);
            _memory.Tell(published);
            _learner.Tell(published);
            if (--remaining > 0)
            {
                return;
            }

            SnapshotIfDue();
            if (from + chunk.Count < events.Count)
            {
                PersistRestoredChunk(events, from + chunk.Count, replyTo);
            }
            else
            {
                replyTo.Tell(new HistoryRestored(_userId, events.Count, LastSequenceNr));
            }
        });
    }

    /// <summary>
    /// A journal write failed (e.g. the disk is full): the command's sender, and every request that arrived while the
    /// write was pending, is answered at once with the reason (<see cref="TemporarilyUnavailable"/>, naming the journal
    /// file when the disk is full) instead of waiting for its timeout. None of them is in the journal: the waiting ones
    /// were never handled. Then the actor stops (Akka.Persistence stops it whatever this method does) and the back-off
    /// supervisor starts it again from the journal.
    /// </summary>
    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _stoppedBecause = UnavailableBecause(cause, "writing");
        Sender.Tell(_stoppedBecause);
        _unanswered.AnswerAll(_stoppedBecause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>The journal could not be read: the requests that arrived during the recovery are answered with the reason.</summary>
    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _stoppedBecause = UnavailableBecause(reason, "reading");
        _unanswered.AnswerAll(_stoppedBecause);
        base.OnRecoveryFailure(reason, message);
    }

    /// <summary>
    /// Whatever stopped the actor, no request it received goes unanswered: those still waiting for their handler (held
    /// in Akka.Persistence's stash, which the stopped actor's mailbox would send to dead letters) are answered here.
    /// </summary>
    /// <inheritdoc />
    protected override void PostStop()
    {
        _unanswered.AnswerAll(_stoppedBecause ?? new TemporarilyUnavailable(_userId, "session", "stopped before it handled the request"));
        base.PostStop();
    }

    /// <summary>
    /// On a restart (not the back-off supervisor's way, which stops and starts anew) Akka.Persistence hands the stashed
    /// requests to the new instance, which answers them: they are not answered here.
    /// </summary>
    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        _unanswered.Forget();
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override void Unhandled(object message)
    {
        _unanswered.Handling(message);
        base.Unhandled(message);
    }

    /// <summary>Handles requests of type <typeparamref name="T"/>; from the moment its handler runs, a request is answered by it.</summary>
    private void Request<T>(Action<T> handle)
        where T : ISessionMessage => Command<T>(request =>
        {
            _unanswered.Handling(request);
            handle(request);
        });

    /// <summary>
    /// The answer for a failed journal read or write: the storage fault found in <paramref name="cause"/>, if any.
    /// </summary>
    private TemporarilyUnavailable UnavailableBecause(Exception cause, string doing)
    {
        var journal = JournalLocation.FromConfig(Context.System.Settings.Config) is { } location ? JournalIdentity.Describe(location) : "the journal";
        for (var inner = cause; inner is not null; inner = inner.InnerException)
        {
            if (StoreFaults.Classify(inner, journal) is { } fault)
            {
                var message = fault.Message.ReplaceLineEndings(" ");
                return new TemporarilyUnavailable(_userId, "session", message, fault.Kind == StoreFaultKind.DiskFull ? journal : null);
            }
        }

        if (JournalTimedOut(cause))
        {
            var config = Context.System.Settings.Config;
            var plugin = string.IsNullOrEmpty(JournalPluginId) ? config.GetString("akka.persistence.journal.plugin", "") : JournalPluginId;
            var bound = config.GetTimeSpan($"{plugin}.recovery-event-timeout", config.GetTimeSpan(FallbackTimeoutPath, TimeSpan.FromSeconds(30)));
            return new TemporarilyUnavailable(_userId, "session",
                $"the journal did not answer within {bound.TotalSeconds:0} s while {doing} it (a very busy machine, or a journal " +
                "that hangs; the bound is NixHumanity:JournalTimeout)");
        }

        return new TemporarilyUnavailable(_userId, "session", $"{doing} the journal failed ({cause.GetBaseException().Message.ReplaceLineEndings(" ")})");
    }

    /// <summary>Whether the journal failed by not answering in time (a recovery's event timeout, a call's circuit breaker).</summary>
    private static bool JournalTimedOut(Exception cause)
    {
        for (var inner = cause; inner is not null; inner = inner.InnerException)
        {
            if (inner is RecoveryTimedOutException or TimeoutException or Akka.Pattern.OpenCircuitException)
            {
                return true;
            }
        }

        return false;
    }

    private SessionStatus Status() => new(
        _userId,
        _state.Interactions,
        _state.Notifications,
        _state.InFlow,
        _state.FlowScore,
        _state.Deferred.Count,
        _state.FlowSessions,
        _state.LastInteractionAt,
        LastSequenceNr)
    {
        ImportedInteractions = _state.ImportedInteractions,
        ImportedPatterns = _state.ImportedPatterns,
        ImportedMetrics = _state.ImportedMetrics,
    };
}

using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// The one life cycle of a projection of a user's session journal into a store only this actor opens (the memory's
/// <c>memory.duckdb</c>, the learner's <c>analytics.duckdb</c>). Subclasses say how to open the store, where its
/// checkpoint is, how to apply a batch of events and which requests they answer once ready.
/// </summary>
/// <remarks>
/// <para>
/// <b>Recovering → Ready.</b> On start the store is opened and the journal is read from the store's checkpoint + 1
/// (<see cref="IJournalSource"/>, by default the session journal, read directly on SQLite), back-pressured, in batches of
/// <see cref="ProjectionOptions.ReplayBatchSize"/> events, each applied with one call of
/// <see cref="Apply(IReadOnlyList{JournaledSessionEvent})"/> (one store transaction). A progress line is logged every
/// <see cref="ProjectionOptions.ProgressEvery"/> events. Every other message is stashed until the catch-up is done,
/// so a request never sees a store older than what the session acknowledged before the request was sent.
/// </para>
/// <para>
/// <b>Live events.</b> The session publishes each durable event (<see cref="SessionEventPublished"/>) before it
/// acknowledges the caller. Events are buffered and the buffer is applied in one call when the
/// <c>ApplyPendingEvents</c> timer started by the first of them fires (<see cref="ProjectionOptions.LiveApplyWindow"/>;
/// with a zero window, a self-sent marker queued behind them: the mailbox has drained of events), before any request
/// (<see cref="ReceiveRequest{T}"/>), or when it holds <see cref="ProjectionOptions.ReplayBatchSize"/> events. A burst
/// thus becomes one transaction, its commit stays out of the way of the journal's commits while the burst is
/// acknowledged (docs/adr/0055), and a request sent after N events sees all N. Events at or below the checkpoint are
/// ignored (exactly once).
/// </para>
/// <para>
/// <b>Gaps.</b> An event whose sequence number is above checkpoint + 1 means events were published while the actor
/// was down (the back-off supervisor refused them). The event is stashed and the actor catches up from the journal
/// first; the stashed event is then ignored (the journal had it) or, if the journal still lacks the missing events,
/// applied anyway rather than catching up again for the same event (the loop guard).
/// </para>
/// <para>
/// <b>Unreadable store.</b> A store file that is damaged or foreign (<see cref="StoreFaults.IsUnreadable"/>) is only a
/// projection: it is renamed to <c>&lt;file&gt;.unreadable-&lt;time&gt;</c> (never deleted; the time comes from the
/// injected clock), reopened empty and rebuilt from the journal. A store found unreadable later, while running, is set
/// aside as <c>&lt;file&gt;.damaged-&lt;time&gt;</c> when the actor stops, so its successor rebuilds it.
/// </para>
/// <para>
/// <b>The journal it follows.</b> On start the store is checked against the journal (<see cref="JournalOrigin"/>): a
/// store built from another journal (another identity) or ahead of the journal (the journal was emptied, restored from
/// an older copy, lost its write-ahead log) is set aside with what is derived with it, the loss is logged as an error
/// and written as a <see cref="JournalLossReport"/> (shown by <c>stats</c>), and the store is rebuilt from the journal.
/// </para>
/// <para>
/// <b>Failures.</b> Any failure while handling a message (or opening the store) does not drop what is queued: every
/// request stashed or queued, and every one arriving until the actor has stopped, is answered at once with
/// <see cref="TemporarilyUnavailable"/> and the reason (a full disk names the file); then the actor stops and the back-off
/// supervisor starts a successor, which resumes from its checkpoint.
/// </para>
/// <para>
/// Where the memory's and the learner's own copies of this life cycle differed, the better behaviour is kept for
/// both: the memory's stash-with-loop-guard on a gap (the learner re-read without a guard), batch sizes from options
/// (the learner used a constant 1,000), the bounded live buffer and the set-aside of an unreadable file (the learner
/// restarted forever).
/// </para>
/// </remarks>
/// <typeparam name="TStore">The store the projection owns; disposed when the actor stops.</typeparam>
internal abstract partial class ProjectionActor<TStore> : ReceiveActor, IWithUnboundedStash, IWithTimers
    where TStore : class, IDisposable
{
    private readonly IJournalSource _journal;
    private readonly List<JournaledSessionEvent> _pending = [];
    // The name of a request's span, made once: requests are a hot path (docs/adr/0056).
    private readonly string _requestSpanName;

    private TStore? _store;
    private string? _failure;
    private string? _diskFullPath;
    private bool _damaged;
    private bool _applyScheduled;
    private long _gapCaughtUpFor = -1;
    private long _replayedThisRun;
    private long _nextProgressAt;

    /// <summary>Sets up the projection; the actor starts in the recovering state.</summary>
    /// <param name="component">The component's name in logs and status (<c>memory</c>, <c>learner</c>).</param>
    /// <param name="userId">The person.</param>
    /// <param name="folder">The folder the component owns; created when missing.</param>
    /// <param name="options">Catch-up batch size and progress logging.</param>
    /// <param name="clock">The clock (names of set-aside files, and whatever the subclass stamps).</param>
    /// <param name="journal">Where catch-up reads from; null for the session journal.</param>
    private protected ProjectionActor(string component, string userId, string folder, ProjectionOptions options, TimeProvider clock, IJournalSource? journal)
    {
        Component = component;
        _requestSpanName = $"nixhumanity.{component}.request";
        UserId = userId;
        Folder = folder;
        Options = options;
        Clock = clock;
        _journal = journal ?? SessionJournalReplay.Instance;
        Recovering();
    }

    /// <summary>Set by Akka: messages held back while the projection catches up with the journal.</summary>
    public IStash Stash { get; set; } = null!;

    /// <summary>Set by Akka: the timers of the projection (the checkpoint after a quiet period) and of its subclass (the memory's retry of a model call, the learner's folds).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The component's name in logs and status.</summary>
    protected string Component { get; }

    /// <summary>The person.</summary>
    protected string UserId { get; }

    /// <summary>The folder the component owns (where its store lives once it holds anything).</summary>
    protected string Folder { get; }

    /// <summary>
    /// Where the store is open now: <see cref="Folder"/>, or a scratch folder outside the data directory while the
    /// store is provisional (see <see cref="EnsureDurableStore"/>). Everything the store's files are opened from or
    /// written to derives from it.
    /// </summary>
    protected string StoreFolder => _scratchFolder ?? Folder;

    /// <summary>Catch-up batch size and progress logging.</summary>
    protected ProjectionOptions Options { get; }

    /// <summary>The injected clock.</summary>
    protected TimeProvider Clock { get; }

    /// <summary>The actor's logger.</summary>
    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>Events applied since the actor started (catch-up and live).</summary>
    protected long EventsApplied { get; private set; }

    /// <summary>The open store (from <see cref="PreStart"/> to <see cref="PostStop"/>).</summary>
    protected TStore Store => _store ?? throw new InvalidOperationException($"The {Component} store of {UserId} is not open.");

    /// <summary>The store's file name inside <see cref="Folder"/>; this file is set aside when unreadable.</summary>
    protected abstract string StoreFileName { get; }

    /// <summary>The last journal sequence number the store has applied (0 for none).</summary>
    protected abstract long Checkpoint { get; }

    /// <summary>The checkpoint written in the store and the <see cref="EventFingerprint"/> of the event there, written
    /// with it (null when none was: checkpoint 0, or a store from before fingerprints).</summary>
    protected abstract (long SequenceNr, string? Fingerprint) StoredCheckpoint { get; }

    /// <summary>What the progress lines say the catch-up did (e.g. "caught up", "re-embedded").</summary>
    protected virtual string CatchUpActivity => "caught up";

    /// <summary>Opens (creating when missing) the store at <see cref="StoreFileName"/> in <see cref="StoreFolder"/>.</summary>
    protected abstract TStore OpenStore();

    /// <summary>
    /// Applies events above the checkpoint, in increasing sequence order, in one store transaction together with the
    /// new checkpoint. Throwing stops the actor; its restart reads the same events again from the journal.
    /// </summary>
    /// <param name="events">One or more events, all above <see cref="Checkpoint"/>.</param>
    protected abstract void Apply(IReadOnlyList<JournaledSessionEvent> events);

    /// <summary>Registers the handlers of the ready state, usually with <see cref="ReceiveRequest{T}"/> or <see cref="Answer{T}"/>.</summary>
    protected abstract void WhenReady();

    /// <summary>
    /// Files or folders in <see cref="Folder"/> derived from the journal besides the store (e.g. cached preferences,
    /// tensor fragments): set aside together with the store when the journal is another one or behind the store.
    /// </summary>
    protected virtual IEnumerable<string> DerivedFromJournal => [];

    /// <summary>
    /// Folds the store's DuckDB write-ahead log into its files (<c>CHECKPOINT</c>). Called when the actor stops while
    /// the node goes on (the user's tree passivated): closing a store does not checkpoint it (ADR 0033). Nothing by
    /// default.
    /// </summary>
    protected virtual void CheckpointStore()
    {
    }

    /// <summary>Called after the store has been opened (or set aside and recreated), before the catch-up starts.</summary>
    protected virtual void OnStoreOpened()
    {
    }

    /// <summary>Called when a catch-up is done, before stashed messages are handled; logs a summary by default.</summary>
    /// <param name="replayed">Journal events read by this catch-up.</param>
    protected virtual void OnCaughtUp(long replayed)
    {
        if (replayed > 0)
        {
            Log.Info("{0} of {1}: {2} {3} journal events, up to #{4}", Component, UserId, CatchUpActivity, replayed, AppliedThrough);
        }
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        try
        {
            // A new person's provisional store is opened only when a request needs it (OpenProvisionalWhenNeeded): a
            // person whose first message is a record goes straight to the durable store.
            if (!BeginProvisionalWhenNew())
            {
                OpenStoreIn(StoreFolder);
            }

            StartCatchUp();
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        WithdrawProgress();
        // Requests a failure did not answer already (a stop while the memory waits for its model or embedder).
        AnswerWaitingRequests(_failure is null ? new TemporarilyUnavailable(UserId, Component, "stopped before it handled the request") : Unavailable());
        CheckpointBeforeClosing();
        // Closing the file lets a restarted actor (or the next process) open it. A stopping node leaves a healthy
        // store's file attached to its shared instance, which closes it with the others (LeavesFileAttached).
        using (LeavesFileAttached() ? PerUserDuckDb.LeaveFilesAttached(leaveInstanceOpen: Options.ProcessExitsAfterStop) : default)
        {
            _store?.Dispose();
        }

        _store = null;
        if (DiscardProvisional())
        {
            return;
        }

        if (_damaged)
        {
            // Set aside only now that the file is closed; the successor opens a new one and rebuilds it from the journal.
            SetAsideAndReport(StorePath, $"{StoreFileName}: damaged ({_failure})", "damaged");
        }
    }

    /// <summary>Handles <typeparamref name="T"/> in the ready state after the buffered live events are applied.</summary>
    /// <param name="handler">The handler; it answers <c>Sender</c> itself.</param>
    /// <remarks>
    /// With a listener on <see cref="Telemetry.Source"/>, each request handled is a span
    /// (<c>nixhumanity.{component}.request</c>) saying how long applying the buffered events took and how many they were,
    /// so the time a caller waited splits into waiting for the actor's turn and the work of the turn (docs/adr/0056).
    /// </remarks>
    protected void ReceiveRequest<T>(Action<T> handler) => Receive<T>(message =>
    {
        using var activity = Telemetry.Source.StartActivity(_requestSpanName);
        // Without a listener there is no activity, and no tag's value is computed.
        activity?.SetTag(Telemetry.OperationAttribute, typeof(T).Name)
            .SetTag(Telemetry.UserAttribute, UserId)
            .SetTag(Telemetry.QueuedAttribute, QueuedMessages)
            .SetTag(Telemetry.AppliedFirstAttribute, _pending.Count);
        var started = Stopwatch.GetTimestamp();
        ApplyPending();
        activity?.SetTag(Telemetry.ApplyMillisecondsAttribute, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        handler(message);
    });

    /// <summary>
    /// Like <see cref="ReceiveRequest{T}"/>, answering <c>Sender</c> with the result, or with the
    /// <see cref="CommandRejected"/> of an <see cref="InvalidInputException"/> (anything else thrown is a store failure).
    /// </summary>
    /// <param name="handle">Computes the reply.</param>
    protected void Answer<T>(Func<T, object> handle) => ReceiveRequest<T>(message =>
    {
        object reply;
        try
        {
            reply = handle(message);
        }
        catch (InvalidInputException invalid)
        {
            reply = invalid.Rejection;
        }

        Sender.Tell(reply);
    });

    /// <summary>Returns to the ready state (after a state of the subclass's own) and handles what was stashed meanwhile.</summary>
    protected void BecomeReady()
    {
        Become(Ready);
        Stash.UnstashAll();
    }

    /// <summary>Applies the buffered live events now (e.g. before a fold reads the store).</summary>
    protected void ApplyPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var batch = _pending.ToList();
        _pending.Clear();
        if (RequestPathTrace.Enabled)
        {
            RequestPathTrace.Mark($"{Component}-applying");
        }

        ApplyFresh(batch);
        if (RequestPathTrace.Enabled)
        {
            RequestPathTrace.Mark($"{Component}-applied");
        }
    }

    private void Ready()
    {
        _catchingUp = false;
        ReceiveLiveEvents();
        ReceiveProgressRequests();
        WhenReady();
        ReceiveStopGracefully();
    }

    /// <summary>Registers the handler of a passivation's stop (in the ready state, and in a long catch-up that answers requests).</summary>
    protected void ReceiveStopGracefully() => ReceiveRequest<StopGracefully>(_ => StopGracefullyWhenAnswered());

    private void ApplyFresh(IReadOnlyList<JournaledSessionEvent> events)
    {
        var checkpoint = AppliedThrough;
        var fresh = events.Where(e => e.SequenceNr > checkpoint).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        if (EnsureDurableStore())
        {
            // The durable store has its own checkpoint (0 when it is new).
            checkpoint = Checkpoint;
            fresh = fresh.Where(e => e.SequenceNr > checkpoint).ToList();
            if (fresh.Count == 0)
            {
                return;
            }
        }

        Apply(fresh);
        EventsApplied += fresh.Count;
        CheckpointWhenQuiet();
    }
}

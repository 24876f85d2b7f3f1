using Akka.Actor;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's flow control: a projection slower than its session reads from the journal instead of
// buffering every pushed event in its mailbox and stash (docs/adr/0040).
internal abstract partial class ProjectionActor<TStore>
{
    /// <summary>Events pushed while catching up, kept (at most <see cref="ProjectionOptions.ReplayBatchSize"/>) to be
    /// applied after the catch-up instead of reading the journal once more for them.</summary>
    private readonly List<JournaledSessionEvent> _pushedDuringCatchUp = [];

    /// <summary>A pushed event above the checkpoint was dropped during this catch-up (the buffer was full).</summary>
    private bool _droppedDuringCatchUp;

    /// <summary>The checkpoint when the current catch-up started: a round that moved it made progress.</summary>
    private long _checkpointAtCatchUpStart;

    /// <summary>How many messages the stash held when the current catch-up round started: those are answered at the
    /// end of the round even if another round follows.</summary>
    private int _stashedBeforeRound;

    /// <summary>The running catch-up started because the projection fell behind (not at start or for a gap): progress
    /// requests (<see cref="ProgressReply"/>) are answered during it.</summary>
    private bool _behindCatchUp;

    /// <summary>Catch-ups started because the mailbox held more than <see cref="ProjectionOptions.MaxLiveLag"/> messages.</summary>
    private protected long FellBehindCount { get; private set; }

    /// <summary>Messages waiting in the actor's mailbox (0 when the mailbox cannot say).</summary>
    private int QueuedMessages => (Context as ActorCell)?.Mailbox?.MessageQueue?.Count ?? 0;

    /// <summary>
    /// Registers the handlers of live events in a state of the subclass's own (e.g. the learner waiting for embeddings
    /// during a fold), so such a state does not stash the event stream: events are buffered and applied as in the ready
    /// state, and a gap or a backlog sends the actor to catch up from the journal (which leaves the state).
    /// </summary>
    protected void ReceiveLiveEvents()
    {
        Receive<SessionEventPublished>(Enqueue);
        Receive<ApplyPendingEvents>(_ =>
        {
            _applyScheduled = false;
            ApplyPending();
        });
        Receive<IdleCheckpointDue>(_ => CheckpointIdleStore());
        Receive<ResumeCatchUp>(_ => StartCatchUp());
    }

    /// <summary>
    /// Events the subclass has taken in but not written yet, waiting for work that ends by itself (the memory's
    /// records behind the batch with its embedder); 0 by default. They count against
    /// <see cref="ProjectionOptions.MaxLiveLag"/> like the messages in the mailbox: they are as much in memory.
    /// </summary>
    protected virtual int EventsWaitingToBeWritten => 0;

    /// <summary>
    /// True when more messages wait in the mailbox, together with the events taken in and not yet written
    /// (<see cref="EventsWaitingToBeWritten"/>), than <see cref="ProjectionOptions.MaxLiveLag"/>: the projection
    /// applies events more slowly than its session journals them, and every pushed event would stay in memory until
    /// applied. It then drops what was pushed and reads the journal instead, which holds at most one batch at a time.
    /// </summary>
    private bool FellBehind() => QueuedMessages + EventsWaitingToBeWritten > Options.MaxLiveLag;

    /// <summary>
    /// The answer to <paramref name="request"/> when it only asks how far the projection has got (a status), or null
    /// for any other message. Asked during a catch-up the projection started because it fell behind: such a request
    /// is answered at once with the checkpoint reached so far instead of waiting for a catch-up that, while the
    /// session records faster than the projection applies, may take longer than the caller waits (the soak's status
    /// probes timed out at 60 s). Other requests still wait, so they see everything acknowledged before they were
    /// sent. Null by default.
    /// </summary>
    /// <param name="request">A message that arrived during the catch-up.</param>
    protected virtual object? ProgressReply(object request) => null;

    /// <summary>
    /// While catching up, a pushed event is kept when the buffer has room (it is applied after the catch-up if the
    /// journal read did not already bring it) and dropped otherwise: it is in the journal, read by the next round.
    /// </summary>
    private void KeepOrDropDuringCatchUp(SessionEventPublished published)
    {
        if (published.SequenceNr <= AppliedThrough)
        {
            return;
        }

        if (_pushedDuringCatchUp.Count >= Options.ReplayBatchSize)
        {
            _droppedDuringCatchUp = true;
            return;
        }

        _pushedDuringCatchUp.Add(new JournaledSessionEvent(published.SequenceNr, published.Event));
    }

    /// <summary>
    /// At the end of a catch-up round: applies the events pushed meanwhile that continue the checkpoint, or starts
    /// another round when some were dropped or do not continue it (the journal has them: the session publishes an
    /// event once it is durable). A round that moved nothing while pushed events still leave a hole is not repeated:
    /// the journal lacks the events in between, and what was pushed is applied anyway (as for a gap, the loop guard).
    /// </summary>
    /// <returns>True when another round started.</returns>
    private bool CatchUpAgainOrApplyPushed()
    {
        var checkpoint = AppliedThrough;
        var fresh = _pushedDuringCatchUp.Where(e => e.SequenceNr > checkpoint).OrderBy(e => e.SequenceNr).ToList();
        var dropped = _droppedDuringCatchUp;
        var progressed = checkpoint > _checkpointAtCatchUpStart;
        _pushedDuringCatchUp.Clear();
        _droppedDuringCatchUp = false;
        var continues = fresh.Count == 0 || fresh.Select((e, i) => e.SequenceNr == checkpoint + 1 + i).All(ok => ok);
        if (dropped || (!continues && progressed))
        {
            AnswerHeldRequestsThenCatchUpAgain();
            return true;
        }

        if (fresh.Count > 0)
        {
            ApplyFresh(fresh);
        }

        return false;
    }

    /// <summary>
    /// Another round is needed. What was stashed before this round started is handled now, in the ready state, and
    /// then the next round starts: the round read the journal after those messages arrived, so a request among them
    /// sees everything acknowledged before it was sent, and a projection that keeps falling behind under overload
    /// still answers between rounds instead of holding its requests until it catches up for good.
    /// </summary>
    private void AnswerHeldRequestsThenCatchUpAgain()
    {
        if (_stashedBeforeRound == 0)
        {
            StartCatchUp();
            return;
        }

        var held = Stash.ClearStash().ToList();
        var answerable = held.Take(_stashedBeforeRound).Append(new Envelope(ResumeCatchUp.Instance, Self)).ToList();
        Stash.Prepend(answerable);
        Stash.UnstashAll();
        Stash.Prepend(held.Skip(_stashedBeforeRound));
        Become(Ready);
    }

    /// <summary>Queued behind the requests answered between two catch-up rounds: start the next round.</summary>
    private sealed record ResumeCatchUp
    {
        public static readonly ResumeCatchUp Instance = new();
    }
}

using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's catch-up: the state that reads the journal from the applied position, in batches, and
// returns to the ready state (or starts another round, see ProjectionActor.FlowControl.cs) when the journal has no more.
internal abstract partial class ProjectionActor<TStore>
{
    /// <summary>The journal reader of this round while its next batch is held back (<see cref="MayReadJournal"/>).</summary>
    private IActorRef? _readerHeldBack;

    /// <summary>
    /// Whether the catch-up may read the next journal batch now; true by default. A subclass that takes events in
    /// without writing them at once (the memory, while its embedder works) says false while it holds more than a
    /// catch-up batch, so it never holds more than about two batches read from the journal: the journal keeps the rest,
    /// and reading it later costs only the read (docs/adr/0054 and its amendment). It calls
    /// <see cref="ReadJournalWhenAllowed"/> once it holds less.
    /// </summary>
    protected virtual bool MayReadJournal => true;

    /// <summary>
    /// Registers handlers of the subclass's own that must run during a catch-up, before everything else is stashed
    /// (the memory's embedder answers: the catch-up waits for them when <see cref="MayReadJournal"/> is false).
    /// </summary>
    protected virtual void WhileCatchingUp()
    {
    }

    /// <summary>
    /// The answer to <paramref name="request"/> when the projection answers it at once during any catch-up instead of
    /// keeping it for the end (the memory whose embedder keeps failing: its catch-up waits for the embedder, and a
    /// request that needs it is answered unavailable, docs/adr/0057); null, the default, keeps it.
    /// </summary>
    /// <param name="request">A message that arrived during the catch-up (or was kept aside during it).</param>
    protected virtual object? ReplyWhileCatchingUp(object request) => null;

    /// <summary>
    /// Answers the requests kept aside during the catch-up that <see cref="ReplyWhileCatchingUp"/> answers now (when
    /// the reason to answer at once arose after they arrived); the others stay kept, in order.
    /// </summary>
    protected void AnswerKeptRequests()
    {
        if (!_catchingUp || Stash.Count == 0)
        {
            return;
        }

        var kept = new List<Envelope>();
        var keptBeforeRound = 0;
        foreach (var (envelope, position) in Stash.ClearStash().Select((e, i) => (e, i)).ToList())
        {
            var request = envelope.Message is ProgressAfterQueue queued ? queued.Request : envelope.Message;
            if (ReplyWhileCatchingUp(request) is { } reply)
            {
                envelope.Sender.Tell(reply);
                continue;
            }

            kept.Add(envelope);
            keptBeforeRound += position < _stashedBeforeRound ? 1 : 0;
        }

        // Those kept from before this round are still the first ones (AnswerHeldRequestsThenCatchUpAgain answers them).
        _stashedBeforeRound = keptBeforeRound;
        Stash.Prepend(kept);
    }

    /// <summary>Lets a catch-up held back by <see cref="MayReadJournal"/> read its next batch, when it may now.</summary>
    protected void ReadJournalWhenAllowed()
    {
        if (_readerHeldBack is { } reader && MayReadJournal)
        {
            _readerHeldBack = null;
            reader.Tell(JournalReplayAck.Instance);
        }
    }

    private void Recovering()
    {
        _catchingUp = true;
        if (!_behindCatchUp)
        {
            // At start or after a gap a status waits for the catch-up, as every other request does: the tree asks.
            WithdrawProgress();
        }

        Receive<JournalReplayStarted>(_ => AcknowledgeOrHoldBack(Sender));
        Receive<JournalReplayBatch>(batch =>
        {
            ApplyFresh(batch.Items);
            ReportProgress(batch);
            AcknowledgeOrHoldBack(Sender);
        });
        Receive<JournalReplayCompleted>(_ =>
        {
            if (CatchUpAgainOrApplyPushed())
            {
                return;
            }

            _behindCatchUp = false;
            OnCaughtUp(_replayedThisRun);
            BecomeReady();
        });
        Receive<JournalReplayFailed>(failed => throw new InvalidOperationException(
            $"{Component} of {UserId}: reading the journal failed: {failed.Cause.Message}", failed.Cause));
        Receive<SessionEventPublished>(KeepOrDropDuringCatchUp);
        // Already catching up: the round that is running is the one asked for.
        Receive<ResumeCatchUp>(_ => { });
        Receive<ProgressAfterQueue>(ProgressDuringCatchUp);
        WhileCatchingUp();
        ReceiveAny(message =>
        {
            if (_store is not null && ReplyWhileCatchingUp(message) is { } now)
            {
                Sender.Tell(now);
                return;
            }

            if (_behindCatchUp && _store is not null && ProgressReply(message) is { } reply)
            {
                // A projection that fell behind may take longer than any caller waits to catch up while its session
                // keeps recording: where it is now is answered at once (docs/adr/0049).
                Sender.Tell(reply);
                return;
            }

            Stash.Stash();
        });
    }

    /// <summary>Asks <paramref name="reader"/> for the next batch, or keeps it waiting while <see cref="MayReadJournal"/> is false.</summary>
    private void AcknowledgeOrHoldBack(IActorRef reader)
    {
        _readerHeldBack = reader;
        ReadJournalWhenAllowed();
    }

    private void StartCatchUp()
    {
        _readerHeldBack = null;
        _checkpointAtCatchUpStart = AppliedThrough;
        _stashedBeforeRound = Stash.Count;
        _replayedThisRun = 0;
        _nextProgressAt = Options.ProgressEvery;
        _journal.Start(Context, UserId, AppliedThrough, Options.CatchUpBatchSize);
        Become(Recovering);
    }

    private void ReportProgress(JournalReplayBatch batch)
    {
        _replayedThisRun += batch.Items.Count;
        if (_replayedThisRun >= _nextProgressAt)
        {
            Log.Info("{0} of {1}: {2} {3} journal events (up to #{4})", Component, UserId, CatchUpActivity, _replayedThisRun, batch.Items[^1].SequenceNr);
            _nextProgressAt += Options.ProgressEvery;
        }
    }
}

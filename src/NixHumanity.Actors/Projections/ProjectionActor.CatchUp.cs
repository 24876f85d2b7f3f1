using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's catch-up: the state that reads the journal from the applied position, in batches, and
// returns to the ready state (or starts another round, see ProjectionActor.FlowControl.cs) when the journal has no more.
internal abstract partial class ProjectionActor<TStore>
{
    private void Recovering()
    {
        _catchingUp = true;
        if (!_behindCatchUp)
        {
            // At start or after a gap a status waits for the catch-up, as every other request does: the tree asks.
            WithdrawProgress();
        }

        Receive<JournalReplayStarted>(_ => Sender.Tell(JournalReplayAck.Instance));
        Receive<JournalReplayBatch>(batch =>
        {
            ApplyFresh(batch.Items);
            ReportProgress(batch);
            Sender.Tell(JournalReplayAck.Instance);
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
        ReceiveAny(message =>
        {
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

    private void StartCatchUp()
    {
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

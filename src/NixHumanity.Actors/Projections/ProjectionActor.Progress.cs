using Akka.Actor;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's progress requests (status): taken ahead of the queue (ProjectionMailbox), answered at once
// with the checkpoint reached when the projection is behind, otherwise after what was queued before them (docs/adr/0052);
// and the progress published on the user's board after each message, which the tree answers without a store thread
// (docs/adr/0053).
internal abstract partial class ProjectionActor<TStore>
{
    /// <summary>The status last published on <see cref="Board"/> (null: none, or withdrawn).</summary>
    private ProjectionStatus? _published;

    /// <summary>In the catch-up state (<c>Recovering</c>): at start, after a gap or after falling behind.</summary>
    private bool _catchingUp;

    /// <summary>Progress requests sent to the back of the mailbox (<see cref="ProgressAfterQueue"/>) not answered yet.</summary>
    private int _progressQueued;

    /// <summary>Whether the projection is catching up from the journal (at start, after a gap or after falling behind).</summary>
    protected bool CatchingUp => _catchingUp;

    /// <summary>
    /// The user's progress board (null outside a user's tree, e.g. in specs of the actor alone): after handling each
    /// message the projection publishes its status there when it changed, so the tree answers a status without this
    /// actor's turn on the store threads (docs/adr/0053).
    /// </summary>
    internal ProgressBoard? Board { get; init; }

    /// <summary>
    /// The status as things stand, as published on the <see cref="Board"/>; null when there is none to publish (no
    /// store open). None by default.
    /// </summary>
    protected virtual ProjectionStatus? PublishableStatus() => null;

    /// <summary>
    /// Publishes the status on the board when it changed. Not during a catch-up at start or after a gap (a status then
    /// waits for it, as every request does), nor once the actor failed (it answers unavailable).
    /// </summary>
    private void PublishProgress()
    {
        if (Board is null || _failure is not null || (_catchingUp && !_behindCatchUp) || _store is null)
        {
            return;
        }

        var status = PublishableStatus();
        if (status is null || status.Equals(_published))
        {
            return;
        }

        _published = status;
        Board.Publish(Component, status, status.LastSequenceNr);
    }

    /// <summary>Takes the published status down, so the tree asks this actor (or its supervisor) again.</summary>
    protected virtual void WithdrawProgress()
    {
        _published = null;
        Board?.Withdraw(Component);
    }

    /// <summary>
    /// Registers the handlers of progress requests (<see cref="IProgressRequest"/>) in the ready state and in a state
    /// of the subclass's own that applies live events (e.g. the learner waiting for embeddings during a fold).
    /// <para>
    /// A progress request arrives ahead of whatever waits in the mailbox. When more than one batch
    /// (<see cref="ProjectionOptions.ReplayBatchSize"/>) of messages waits, the projection is behind: the request is
    /// answered at once with the checkpoint reached (the buffered events applied first), instead of after every
    /// dispatcher turn those messages take. Otherwise it goes to the back of the mailbox and is answered there
    /// (<see cref="AnswerProgress"/>), so it sees every event queued before it, as any other request does.
    /// </para>
    /// </summary>
    protected void ReceiveProgressRequests()
    {
        Receive<IProgressRequest>(request =>
        {
            if (QueuedMessages > Options.ReplayBatchSize)
            {
                ApplyPending();
                ReplyProgress(request);
                return;
            }

            _progressQueued++;
            Self.Tell(new ProgressAfterQueue(request), Sender);
        });
        Receive<ProgressAfterQueue>(queued =>
        {
            _progressQueued--;
            ApplyPending();
            AnswerProgress(queued.Request);
        });
    }

    /// <summary>
    /// Answers <c>Sender</c>'s progress request once everything queued before it has been taken in; by default with
    /// <see cref="ProgressReply"/> at once. A subclass that holds events it has taken in but not applied (the memory,
    /// while the embedder works) may wait for them.
    /// </summary>
    /// <param name="request">The request.</param>
    protected virtual void AnswerProgress(IProgressRequest request) => ReplyProgress(request);

    /// <summary>During a catch-up: a progress request that went to the back of the mailbox before the catch-up began.</summary>
    private void ProgressDuringCatchUp(ProgressAfterQueue queued)
    {
        if (_store is not null && ReplyWhileCatchingUp(queued.Request) is { } now)
        {
            _progressQueued--;
            Sender.Tell(now);
            return;
        }

        if (_behindCatchUp && _store is not null)
        {
            _progressQueued--;
            ReplyProgress(queued.Request);
            return;
        }

        // A catch-up at start or after a gap: answered once it is done, as before, by the handler of the ready state.
        Stash.Stash();
    }

    /// <summary>Answers <c>Sender</c> with <see cref="ProgressReply"/> for <paramref name="request"/> as things stand.</summary>
    /// <param name="request">The progress request.</param>
    protected void ReplyProgress(IProgressRequest request) =>
        Sender.Tell(ProgressReply(request) ?? throw new InvalidOperationException($"{Component} of {UserId}: no progress reply for {request.GetType().Name}"));
}

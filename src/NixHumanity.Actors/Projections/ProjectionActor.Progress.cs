using Akka.Actor;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's progress requests (status): taken ahead of the queue (ProjectionMailbox), answered at once
// with the checkpoint reached when the projection is behind, otherwise after what was queued before them (docs/adr/0052).
internal abstract partial class ProjectionActor<TStore>
{
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

            Self.Tell(new ProgressAfterQueue(request), Sender);
        });
        Receive<ProgressAfterQueue>(queued =>
        {
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
        if (_behindCatchUp && _store is not null)
        {
            ReplyProgress(queued.Request);
            return;
        }

        // A catch-up at start or after a gap: answered once it is done, as before, by the handler of the ready state.
        Stash.Stash();
    }

    /// <summary>Answers <c>Sender</c> with <see cref="ProgressReply"/> for <paramref name="request"/> as things stand.</summary>
    private void ReplyProgress(IProgressRequest request) =>
        Sender.Tell(ProgressReply(request) ?? throw new InvalidOperationException($"{Component} of {UserId}: no progress reply for {request.GetType().Name}"));

    /// <summary>
    /// Self-sent: a progress request taken ahead of the queue, sent to its back to see what was queued before it. A user
    /// message, so a projection that fails meanwhile answers it as unavailable like the request itself.
    /// </summary>
    private sealed record ProgressAfterQueue(IProgressRequest Request) : Contracts.IUserMessage
    {
        /// <inheritdoc />
        public string UserId => (Request as Contracts.IUserMessage)?.UserId ?? "";
    }
}

using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Projections;

namespace NixHumanity.Actors.Learning;

// The learner's progress: its status and its latest prediction of likely next commands, published on the user's
// board so the tree answers them without this actor's turn (docs/adr/0053).
internal sealed partial class LearnerActor
{
    /// <inheritdoc />
    protected override object? ProgressReply(object request) => request is GetLearnerStatus ? Status() : null;

    private ProjectionStatus Status() => new("learner", UserId, Store.Checkpoint, EventsApplied, Folder);

    /// <inheritdoc />
    protected override ProjectionStatus? PublishableStatus() => Status();

    /// <summary>The prediction goes down with the status: a learner that is not answering is asked itself.</summary>
    /// <inheritdoc />
    protected override void WithdrawProgress()
    {
        base.WithdrawProgress();
        WithdrawLikelyNext();
    }

    /// <summary>
    /// Publishes the prediction just read at <see cref="Checkpoint"/> on the user's board, where the tree answers
    /// <c>status</c>'s likely next commands from without this actor's turn (docs/adr/0053).
    /// </summary>
    private void PublishLikelyNext(NextCommandPrediction prediction) =>
        Board?.Publish(ProgressBoard.LikelyNextSlot, new NextCommands(UserId, prediction.AfterCommand, prediction.Next), Checkpoint);

    /// <summary>Takes the published prediction down: the tree asks this actor (or its supervisor) for it again.</summary>
    private void WithdrawLikelyNext() => Board?.Withdraw(ProgressBoard.LikelyNextSlot);
}

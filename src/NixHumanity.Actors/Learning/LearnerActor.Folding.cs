using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Memory;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// The learner's fold: prepared from the analytics store, completed once the memory actor has sent the command
/// embeddings (events go on being applied and status answered meanwhile, other requests wait in the stash), then the aged fragments are merged
/// and the memory is told the new preference direction.
/// </summary>
internal sealed partial class LearnerActor
{
    /// <summary>
    /// Prepares a fold and asks the memory actor for the command embeddings up to the fold's last interaction. Live
    /// events go on being applied while they come (the fold covers the sequence numbers up to the batch's
    /// <see cref="FoldBatch.ToSeq"/>, and a later event only adds rows above it, folded next time): stashing them
    /// stalled the learner for as long as the memory took to answer and held every event pushed meanwhile in memory
    /// (docs/adr/0040). The wait is for the memory's answer, without a clock (docs/adr/0054): it always answers. Requests and another fold wait in the stash; a timer's fold tick meanwhile is dropped
    /// (the next one folds).
    /// <para>
    /// Nothing applied since a fold last looked (<see cref="FoldSchedule"/>) means nothing to fold, known without a
    /// store query; aged fragments are then merged only when the consolidation policy can have found some.
    /// </para>
    /// </summary>
    private void StartFold(IActorRef? replyTo)
    {
        ApplyPending();
        if (_schedule.NothingNewAt(Checkpoint))
        {
            ConsolidateWhenDue();
            Reply(replyTo, NothingToFold());
            return;
        }

        var through = Checkpoint;
        var batch = PreferenceFold.Prepare(Store);
        if (batch is null)
        {
            // Buckets keep ageing while nothing new arrives.
            _schedule = _schedule with { CheckedThrough = through, FoldedThrough = Store.FoldedThrough };
            ConsolidateWhenDue();
            Reply(replyTo, NothingToFold());
            return;
        }

        AskForEmbeddings(batch, through, replyTo);
        Become(() =>
        {
            Receive<EmbeddingsArrived>(CompleteFold);
            ReceiveLiveEvents();
            // A status reads no fold: live events are applied meanwhile, so it is answered as in the ready state
            // instead of waiting up to the memory's answer (docs/adr/0052).
            ReceiveProgressRequests();
            Receive<FoldTick>(_ => { });
            ReceiveAny(_ => Stash.Stash());
        });
    }

    private void AskForEmbeddings(FoldBatch batch, long through, IActorRef? replyTo) =>
        // A fold someone waits for may load the model; a timer's fold does not start the load in a verb's process.
        _memory.Ask<object>(new GetCommandEmbeddings(UserId, batch.ToSeq, LoadModel: replyTo is not null), MemoryTimeout)
            .PipeTo(Self, success: reply => new EmbeddingsArrived(batch, through, replyTo, reply as CommandEmbeddings, Unanswered(reply)),
                failure: ex => new EmbeddingsArrived(batch, through, replyTo, null, ex.GetBaseException().Message));

    private FoldReport NothingToFold() => new(UserId, false, 0, 0, _schedule.FoldedThrough, null, null, 0, false);

    private void CompleteFold(EmbeddingsArrived arrived)
    {
        if (Store.FoldedThrough != arrived.Batch.FromSeq)
        {
            // Another fold committed since this one was prepared (a catch-up from the journal left the folding state
            // and a stashed fold started anew): a requested fold is prepared again, a timer's is dropped.
            _schedule = FoldSchedule.Unknown with { ConsolidationCheckAt = _schedule.ConsolidationCheckAt };
            if (arrived.ReplyTo is not null)
            {
                StartFold(arrived.ReplyTo);
            }
            else
            {
                BecomeReady();
            }

            return;
        }

        if (arrived.Unavailable is { } unavailable)
        {
            // A clear outcome: the fold is written with its behaviour features, the direction by the next fold.
            Log.Warning("Learner {0}: the memory could not send the command embeddings ({1}); folding without a preference direction this time", UserId, unavailable);
        }

        var (batch, through, embeddings) = MatchMemory(arrived);

        // Without embeddings (memory restarting or slow) the fold still writes the behaviour features; the direction
        // is written by the next fold that gets them.
        var direction = embeddings is null
            ? null
            : PreferenceDirection.Compute(embeddings.Commands.Select(c => (c.Vector, c.Successes)), _layout.DirectionDimensions);
        var report = PreferenceFold.Complete(Store, Tensor, batch, UserId, _tensorUser, Clock.GetUtcNow(), direction, _layout);
        Log.Debug("Learner {0} folded {1} interactions into {2}", UserId, report.Interactions, report.Fragment);
        _schedule = _schedule with { CheckedThrough = through, FoldedThrough = batch.ToSeq };
        ConsolidateAged();

        TellMemory(direction);
        Reply(arrived.ReplyTo, report);
        BecomeReady();
    }

    /// <summary>
    /// The batch and the commands that go together: the direction must hold exactly the commands of the fold's
    /// interactions. A memory that has applied more than the batch (records came in meanwhile) is matched by taking
    /// the batch up to where the memory is, when the learner has applied that far too; a memory that has not got the
    /// batch's last interaction (re-embedding in the background, or events it has not been sent yet) gives no direction.
    /// </summary>
    private (FoldBatch Batch, long Through, CommandEmbeddings? Embeddings) MatchMemory(EmbeddingsArrived arrived)
    {
        var (batch, through, embeddings) = (arrived.Batch, arrived.CheckedThrough, arrived.Embeddings);
        if (embeddings is null || (embeddings.AppliedThrough >= batch.ToSeq && embeddings.AppliedThrough <= through))
        {
            // Between the batch's last interaction and the learner's checkpoint then there is no interaction: exact.
            return (batch, through, embeddings);
        }

        if (embeddings.AppliedThrough < batch.ToSeq)
        {
            Log.Debug("Learner {0}: the memory has applied up to #{1}, the fold up to #{2}: no direction this time", UserId, embeddings.AppliedThrough, batch.ToSeq);
            return (batch, through, null);
        }

        ApplyPending();
        if (embeddings.AppliedThrough > Checkpoint)
        {
            Log.Debug("Learner {0}: the memory is ahead (#{1}, the learner at #{2}): no direction this time", UserId, embeddings.AppliedThrough, Checkpoint);
            return (batch, through, null);
        }

        // The interactions up to the memory's position; the watermark has not moved since the batch was prepared.
        return (PreferenceFold.Prepare(Store, embeddings.AppliedThrough) ?? batch, embeddings.AppliedThrough, embeddings);
    }

    /// <summary>Merges aged fragments when the consolidation policy can have found some since it last looked.</summary>
    private void ConsolidateWhenDue()
    {
        if (_schedule.ConsolidationDue(Clock.GetUtcNow()))
        {
            ConsolidateAged();
        }
    }

    /// <summary>
    /// Merges the fragments whose hour, day or month has aged out (<see cref="ConsolidationPolicy"/>), so the folder
    /// stays small and the learner opens fast however long it has been folding, and notes when to look again.
    /// </summary>
    private void ConsolidateAged()
    {
        var now = Clock.GetUtcNow();
        var merged = Tensor.ConsolidateAged(now);
        if (merged.Count > 0)
        {
            Log.Debug("Learner {0} consolidated aged fragments into {1}", UserId, string.Join(", ", merged.Select(m => m.FileName)));
        }

        _schedule = _schedule with { ConsolidationCheckAt = ConsolidationPolicy.NextCheck(Tensor.ListFragments(), now) };
    }

    /// <summary>Sends the memory actor the new preferences and the likely next requests (before the fold is answered).</summary>
    private void TellMemory(float[]? direction)
    {
        if (direction is not null)
        {
            _memory.Tell(new UpdatePreferences(UserId, direction, Store.CommandAffinities()));
        }

        Store.UpdateTransitions();
        var likely = Store.PredictNext(WarmCount).Next.Select(n => n.Text).Distinct(StringComparer.Ordinal).ToList();
        if (likely.Count > 0)
        {
            _memory.Tell(new WarmSuggestions(UserId, likely));
        }
    }

    private static void Reply(IActorRef? replyTo, object reply)
    {
        if (replyTo is not null && !replyTo.IsNobody())
        {
            replyTo.Tell(reply);
        }
    }

    /// <summary>Why the memory's answer holds no embeddings (its <see cref="TemporarilyUnavailable"/> reason, or what it answered instead); null for embeddings.</summary>
    private static string? Unanswered(object reply) => reply switch
    {
        CommandEmbeddings => null,
        TemporarilyUnavailable unavailable => $"unavailable: {unavailable.Reason}",
        _ => $"answered {reply.GetType().Name}",
    };

    /// <summary>The memory's answer to a fold prepared when the projection had applied up to <paramref name="CheckedThrough"/>;
    /// <paramref name="Unavailable"/> says why it holds no embeddings (null when it does).</summary>
    private sealed record EmbeddingsArrived(FoldBatch Batch, long CheckedThrough, IActorRef? ReplyTo, CommandEmbeddings? Embeddings, string? Unavailable = null);
}

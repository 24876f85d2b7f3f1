using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Memory;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// The learner's fold: prepared from the analytics store, completed once the memory actor has sent the command
/// embeddings (events go on being applied meanwhile, requests wait in the stash), then the aged fragments are merged
/// and the memory is told the new preference direction.
/// </summary>
internal sealed partial class LearnerActor
{
    /// <summary>
    /// Prepares a fold and asks the memory actor for the command embeddings. Live events go on being applied while
    /// they come (the fold covers the sequence numbers up to the batch's <see cref="FoldBatch.ToSeq"/>, and a later
    /// event only adds rows above it, folded next time): stashing them stalled the learner for as long as the memory
    /// took to answer, up to 5 s, and held every event pushed meanwhile in memory (docs/adr/0040). Requests and
    /// another fold wait in the stash; a timer's fold tick meanwhile is dropped (the next one folds).
    /// </summary>
    private void StartFold(IActorRef? replyTo)
    {
        ApplyPending();
        var batch = PreferenceFold.Prepare(Store);
        if (batch is null)
        {
            // Buckets keep ageing while nothing new arrives.
            ConsolidateAged();
            Reply(replyTo, new FoldReport(UserId, false, 0, 0, Store.FoldedThrough, null, null, 0, false));
            return;
        }

        _memory.Ask<object>(new GetCommandEmbeddings(UserId), MemoryTimeout)
            .PipeTo(Self, success: reply => new EmbeddingsArrived(batch, replyTo, reply as CommandEmbeddings),
                failure: _ => new EmbeddingsArrived(batch, replyTo, null));
        Become(() =>
        {
            Receive<EmbeddingsArrived>(CompleteFold);
            ReceiveLiveEvents();
            Receive<FoldTick>(_ => { });
            ReceiveAny(_ => Stash.Stash());
        });
    }

    private void CompleteFold(EmbeddingsArrived arrived)
    {
        if (Store.FoldedThrough != arrived.Batch.FromSeq)
        {
            // Another fold committed since this one was prepared (a catch-up from the journal left the folding state
            // and a stashed fold started anew): a requested fold is prepared again, a timer's is dropped.
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

        // Without embeddings (memory restarting or slow) the fold still writes the behaviour features; the direction
        // is written by the next fold that gets them.
        var direction = arrived.Embeddings is null
            ? null
            : PreferenceDirection.Compute(arrived.Embeddings.Commands.Select(c => (c.Vector, c.Successes)), _layout.DirectionDimensions);
        var report = PreferenceFold.Complete(Store, Tensor, arrived.Batch, UserId, _tensorUser, Clock.GetUtcNow(), direction, _layout);
        Log.Debug("Learner {0} folded {1} interactions into {2}", UserId, report.Interactions, report.Fragment);
        ConsolidateAged();

        TellMemory(direction);
        Reply(arrived.ReplyTo, report);
        BecomeReady();
    }

    /// <summary>
    /// Merges the fragments whose hour, day or month has aged out (<see cref="ConsolidationPolicy"/>), so the folder
    /// stays small and the learner opens fast however long it has been folding.
    /// </summary>
    private void ConsolidateAged()
    {
        var merged = Tensor.ConsolidateAged(Clock.GetUtcNow());
        if (merged.Count > 0)
        {
            Log.Debug("Learner {0} consolidated aged fragments into {1}", UserId, string.Join(", ", merged.Select(m => m.FileName)));
        }
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
}

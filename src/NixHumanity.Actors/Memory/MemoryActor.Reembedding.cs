using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// The memory actor's background re-embedding after a change of embedder: one chunk per message, the journal read at
/// the chunks' pace (the next catch-up batch once at most one is held, <see cref="MayReadJournal"/>): the memory holds
/// about two catch-up batches however long the journal is (docs/adr/0057). The ready state's requests are answered
/// during that catch-up too (<see cref="WhileCatchingUp"/>).
/// </summary>
internal sealed partial class MemoryActor
{
    /// <summary>
    /// Background re-embedding: one catch-up-sized chunk of the held events per message, so searches and other
    /// requests are handled between chunks (they see the memories re-embedded so far). Waiting requests are released
    /// when the last chunk is applied.
    /// </summary>
    private void ReembedChunk()
    {
        _chunkScheduled = false;
        ApplyPending();
        if (_model.Embedding)
        {
            // A chunk is with the asynchronous embedder; its answer goes on.
            return;
        }

        var chunk = _model.TakeOldest(Options.ReplayBatchSize);
        if (chunk.Count == 0)
        {
            // Everything read is applied; the catch-up reads more, or it is over and so is the re-embedding.
            ReadJournalWhenAllowed();
            if (!CatchingUp)
            {
                FinishReembedding();
            }

            return;
        }

        var interactions = Interactions(chunk);
        if (_async is not null && interactions.Count > 0)
        {
            // Applied when the vectors arrive (Embedded), which calls Reembedded.
            BeginEmbedding(chunk, interactions);
            return;
        }

        ApplyNow(chunk, interactions);
        Reembedded(chunk.Count);
    }

    /// <summary>
    /// After a chunk of <paramref name="count"/> events was applied: logs progress and schedules the next chunk, or,
    /// after the last, ends the re-embedding and releases the waiting requests.
    /// </summary>
    private void Reembedded(int count)
    {
        _reembedded += count;
        Telemetry.Reembedded.Add(count);
        if (_reembedded >= _nextReembedProgressAt)
        {
            Log.Info("Memory of {0}: re-embedded {1} events (up to #{2}), {3} read and waiting", UserId, _reembedded, Store.Checkpoint, _model.Count);
            _nextReembedProgressAt += Options.ProgressEvery;
        }

        // The catch-up reads its next batch once at most one is held.
        ReadJournalWhenAllowed();
        ReembedNextOrFinish();
    }

    /// <summary>
    /// Schedules the next chunk while events are held; else, unless the catch-up is still reading the journal (it
    /// has read it all when <paramref name="journalRead"/>), the re-embedding is over.
    /// </summary>
    private void ReembedNextOrFinish(bool journalRead = false)
    {
        if (_model.Holding)
        {
            ScheduleReembedChunk();
            return;
        }

        if (journalRead || !CatchingUp)
        {
            FinishReembedding();
        }
    }

    /// <summary>Ends the re-embedding: the marker goes, the waiting requests are released.</summary>
    private void FinishReembedding()
    {
        if (!_reembedInBackground)
        {
            return;
        }

        _reembedInBackground = false;
        File.Delete(ReembeddingMarker);
        Log.Info("Memory of {0}: re-embedding done, {1} events applied; {2} memories at version {3}",
            UserId, _reembedded, Store.Count, Store.CurrentVersion);
        _model.ReleaseWaiting(Self);
    }

    private void ScheduleReembedChunk()
    {
        if (_model.ModelMissing)
        {
            StartLoadForNewEvents();
            return;
        }

        if (!_chunkScheduled)
        {
            _chunkScheduled = true;
            Self.Tell(ReembedNextChunk.Instance);
        }
    }

    /// <summary>Self-sent: apply the next chunk of a background re-embedding.</summary>
    private sealed record ReembedNextChunk
    {
        public static readonly ReembedNextChunk Instance = new();
    }
}

using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// The memory actor's side of the shared embedding service (<see cref="MemoryOptions.SharedEmbedding"/>, ADR 0021):
/// batches held unapplied while the service embeds them, retried on failure, and requests that wait for the batch in
/// flight when they arrived.
/// </summary>
internal sealed partial class MemoryActor
{
    /// <summary>
    /// Records held behind the batch with the embedder (not during a background re-embedding, which holds the journal
    /// on purpose and applies it chunk by chunk): they count against the live lag, so a memory whose embedder is
    /// slower than its person records falls behind and reads the journal instead of holding every record (docs/adr/0054).
    /// </summary>
    protected override int EventsWaitingToBeWritten => _model.Embedding && !_reembedInBackground ? _model.HeldCount : 0;

    /// <summary>
    /// A catch-up reads its next batch only while at most one catch-up batch is held behind the batch with the embedder:
    /// about two batches wait while another is embedded, however far behind the memory is (docs/adr/0054). Waiting for
    /// none to be held made reading and embedding take turns: 2,000 people's first start took 1.6× as long. A background
    /// re-embedding reads the same way, at the pace of its chunks: at most one catch-up batch held, read or being embedded
    /// (docs/adr/0057), instead of the whole journal.
    /// </summary>
    protected override bool MayReadJournal => _reembedInBackground
        ? _model.Count <= Options.CatchUpBatchSize
        : EventsWaitingToBeWritten <= Options.CatchUpBatchSize;

    /// <summary>
    /// Requests waiting for the batch with the embedder, or sent to itself again once it is applied: a graceful stop
    /// waits for them (milliseconds) instead of answering them as unavailable.
    /// </summary>
    protected override bool HoldsRequests => _waitingForBatch.Count > 0 || _releasedAfterBatch.Count > 0;

    /// <summary>
    /// The embedder's answers are handled during a catch-up too: the catch-up waits for them. The catch-up of a
    /// background re-embedding lasts as long as the re-embedding (it reads the journal at the chunks' pace), so the
    /// ready state's requests and the chunks are handled during it, as between the chunks once the journal is read;
    /// a status is answered at once with the memories re-embedded so far.
    /// </summary>
    protected override void WhileCatchingUp()
    {
        if (!_reembedInBackground)
        {
            ReceiveEmbedderAnswers();
            return;
        }

        Receive<IProgressRequest>(ReplyProgress);
        // The ready state's handlers include the embedder's answers.
        WhenReady();
        ReceiveStopGracefully();
    }

    /// <summary>The embedding service's (or the asynchronous embedder's) answers and the retry of a failed call.</summary>
    private void ReceiveEmbedderAnswers()
    {
        Receive<TextsEmbedded>(Embedded);
        Receive<EmbeddingFailed>(EmbeddingFailed);
        Receive<RetryEmbedding>(retry =>
        {
            if (_model.Embedding && retry.RequestId == _embedRequest)
            {
                SendForEmbedding();
            }
        });
    }

    /// <summary>Holds <paramref name="events"/> unapplied and asks the shared service for the vectors of their interactions.</summary>
    private void BeginEmbedding(IReadOnlyList<JournaledSessionEvent> events, List<JournaledSessionEvent> interactions)
    {
        _model.BeginEmbedding(events);
        _embeddingTexts = interactions.Select(e => ((InteractionRecorded)e.Event).Text).ToList();
        _embedFailures = 0;
        SendForEmbedding();
    }

    private void SendForEmbedding()
    {
        var request = ++_embedRequest;
        if (_embeddings is not null)
        {
            _embeddings.Tell(new EmbedTexts(request, _embeddingTexts), Self);
            return;
        }

        // An asynchronous embedder without the shared service: its answer comes back as the service's would.
        _async!.EmbedBatchAsync(_embeddingTexts).PipeTo(
            Self,
            success: vectors => new TextsEmbedded(request, vectors),
            failure: ex => new EmbeddingFailed(request, ex.GetBaseException().Message));
    }

    /// <summary>The vectors of the batch being embedded: applies it, then sends what was held behind it.</summary>
    private void Embedded(TextsEmbedded embedded)
    {
        if (!_model.Embedding || embedded.RequestId != _embedRequest)
        {
            // An answer to an earlier attempt of a batch that was asked again.
            return;
        }

        EmbedderAnswered();
        var events = _model.EndEmbedding();
        Remember(events, Interactions(events), embedded.Vectors);
        ReleaseEmbeddedWaiting();
        if (_reembedInBackground)
        {
            // A chunk of a background re-embedding (an asynchronous embedder): the next one follows from there.
            Reembedded(events.Count);
            return;
        }

        EmbedNextHeld();
        ReadJournalWhenAllowed();
    }

    private void EmbeddingFailed(EmbeddingFailed failed)
    {
        if (!_model.Embedding || failed.RequestId != _embedRequest)
        {
            return;
        }

        // The batch stays held (unapplied, the checkpoint unmoved) and is asked for again; searches keep waiting for it.
        _embedFailures++;
        EmbedderFailed(_embedFailures, failed.Reason);
        var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 100 * Math.Pow(2, Math.Min(_embedFailures - 1, 10))));
        Log.Warning("Memory of {0}: embedding {1} texts failed ({2} times in a row): {3}; asking again in {4}",
            UserId, _embeddingTexts.Count, _embedFailures, failed.Reason, delay);
        Timers.StartSingleTimer(nameof(RetryEmbedding), new RetryEmbedding(_embedRequest), delay);
    }

    /// <summary>
    /// Sends the oldest held events (one catch-up-sized chunk, <see cref="Projections.ProjectionOptions.CatchUpBatchSize"/>) to the shared service; chunks with nothing to embed are
    /// applied at once. When nothing is held any more, the requests waiting for a complete store are released.
    /// </summary>
    private void EmbedNextHeld()
    {
        // Requests waiting for the model go ahead; those that need the held events wait for their batch (WhenEmbedded).
        _model.ReleaseWaiting(Self);
        while (_model.HeldCount > 0)
        {
            var chunk = _model.TakeOldest(Options.CatchUpBatchSize);
            var interactions = Interactions(chunk);
            if (interactions.Count > 0)
            {
                BeginEmbedding(chunk, interactions);
                return;
            }

            ApplyNow(chunk, interactions);
        }

        ReleaseEmbeddedWaiting();
    }

    /// <summary>
    /// A handler that waits while a batch is with the embedding service, until the events taken in before the request
    /// are applied (then it is sent again, and handled even if later events are being embedded by then): a request
    /// sent after N events sees all N, and a person recording without pause does not starve their own searches.
    /// </summary>
    private Action<T> WhenEmbedded<T>(Action<T> handler)
        where T : notnull => request =>
    {
        if (_embedderBroken is not null)
        {
            // The batch may stay with the embedder indefinitely: the request is answered now (docs/adr/0057).
            _releasedAfterBatch.Remove(request);
            Sender.Tell(BrokenEmbedderReply(request) ?? EmbedderUnavailable());
            return;
        }

        // During a background re-embedding (a chunk with an asynchronous embedder) requests go ahead with the memories
        // re-embedded so far, as between the chunks of a synchronous one; WhenStoreComplete keeps exports waiting.
        if (!_releasedAfterBatch.Remove(request) && _model.Embedding && !_reembedInBackground)
        {
            _waitingForBatch.Add((_model.LastHeld!.Value, request, Sender));
            return;
        }

        handler(request);
    };

    /// <summary>Sends again the requests waiting for a batch whose events are now all applied.</summary>
    private void ReleaseEmbeddedWaiting()
    {
        var checkpoint = Store.Checkpoint;
        foreach (var waiting in _waitingForBatch.Where(w => w.UpTo <= checkpoint).ToList())
        {
            _waitingForBatch.Remove(waiting);
            if (waiting.Request is GetMemoryStatus)
            {
                // Everything taken in before it is applied now: nothing else to wait for, nor to queue behind again.
                waiting.Sender.Tell(Status());
                continue;
            }

            _releasedAfterBatch.Add(waiting.Request);
            Self.Tell(waiting.Request, waiting.Sender);
        }
    }

    /// <summary>
    /// The requests waiting for the model or for the batch with the embedder are answered when the memory fails or
    /// stops: the learner's fold waits for the memory's answer without a clock (docs/adr/0054), so every request it
    /// keeps aside must be answered by someone.
    /// </summary>
    protected override void AnswerWaitingRequests(TemporarilyUnavailable answer)
    {
        foreach (var (_, sender) in _model.TakeWaiting().Concat(_waitingForBatch.Select(w => (w.Request, w.Sender))))
        {
            sender.Tell(answer);
        }

        _waitingForBatch.Clear();
    }

    /// <summary>Self-sent after a failed model call: ask the service again for the batch of request <paramref name="RequestId"/>.</summary>
    private sealed record RetryEmbedding(long RequestId);
}

using Akka.Actor;
using Akka.Event;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// One embedding service per embedder and actor system (<see cref="EmbeddingService"/>): it collects the texts every
/// memory of the process asks for (<see cref="EmbedTexts"/>) and embeds them with one model call, then answers each
/// sender with its own vectors (<see cref="TextsEmbedded"/>) or, when the call fails, with <see cref="EmbeddingFailed"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Batching.</b> Requests are collected until the mailbox has drained of them (a self-sent flush marker queued behind
/// them comes up), until <see cref="EmbeddingServiceSettings.Window"/> has passed when one is set, or until
/// <see cref="EmbeddingServiceSettings.MaxBatchTexts"/> texts are waiting. The model call runs on this actor's own
/// thread (the service's dispatcher), so while it runs the next requests queue in the mailbox and form the next batch:
/// the busier the model, the larger its batches. A request larger than the limit is embedded alone, never split.
/// An <see cref="IAsyncEmbedder"/> (a host's generator) is not waited for: its answer comes back as a message, and
/// requests arriving meanwhile form the next batch the same way.
/// </para>
/// <para>
/// <b>Failures.</b> A failing call is answered to every request it held, and the service goes on with the next batch;
/// the senders decide when to ask again. The actor keeps no state a restart would lose besides the queue, and a
/// sender that stopped meanwhile simply never reads its answer.
/// </para>
/// </remarks>
internal sealed class EmbeddingBatcher : ReceiveActor, IWithTimers
{
    private readonly IEmbedder _embedder;
    private readonly EmbeddingServiceSettings _settings;
    private readonly Queue<(EmbedTexts Request, IActorRef Sender)> _queue = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _queuedTexts;
    private bool _flushScheduled;
    private bool _awaiting;

    /// <summary>Creates the service for <paramref name="embedder"/>.</summary>
    /// <param name="embedder">The system's embedder (loaded; callers wait for a deferred model before asking).</param>
    /// <param name="settings">Batch limit and window.</param>
    public EmbeddingBatcher(IEmbedder embedder, EmbeddingServiceSettings settings)
    {
        _embedder = embedder;
        _settings = settings;
        Receive<EmbedTexts>(Enqueue);
        Receive<Flush>(_ =>
        {
            _flushScheduled = false;
            EmbedNextBatch();
        });
        Receive<BatchEmbedded>(done =>
        {
            _awaiting = false;
            Answer(done.Batch, done.Texts, done.Vectors, done.Failure);
        });
    }

    /// <summary>Set by Akka: the collection window.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the service; <see cref="EmbeddingService"/> places it on its own dispatcher.</summary>
    /// <param name="embedder">The embedder.</param>
    /// <param name="settings">Batch limit and window.</param>
    public static Props Props(IEmbedder embedder, EmbeddingServiceSettings settings) =>
        Akka.Actor.Props.Create(() => new EmbeddingBatcher(embedder, settings));

    private void Enqueue(EmbedTexts request)
    {
        if (request.Texts is not { Count: > 0 })
        {
            Sender.Tell(new TextsEmbedded(request.RequestId, []));
            return;
        }

        _queue.Enqueue((request, Sender));
        _queuedTexts += request.Texts.Count;
        if (_queuedTexts >= _settings.MaxBatchTexts)
        {
            EmbedNextBatch();
        }

        ScheduleFlush();
    }

    private void ScheduleFlush()
    {
        if (_flushScheduled || _queue.Count == 0)
        {
            return;
        }

        _flushScheduled = true;
        if (_settings.Window > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(nameof(Flush), Flush.Instance, _settings.Window);
        }
        else
        {
            // Everything already in the mailbox comes before this marker, so a burst becomes one batch.
            Self.Tell(Flush.Instance);
        }
    }

    private void EmbedNextBatch()
    {
        if (_queue.Count == 0 || _awaiting)
        {
            // While an asynchronous call runs, requests queue for the batch after it.
            return;
        }

        var batch = new List<(EmbedTexts Request, IActorRef Sender)>();
        var texts = new List<string>();
        while (_queue.Count > 0 && (batch.Count == 0 || texts.Count + _queue.Peek().Request.Texts.Count <= _settings.MaxBatchTexts))
        {
            var next = _queue.Dequeue();
            batch.Add(next);
            texts.AddRange(next.Request.Texts);
        }

        _queuedTexts -= texts.Count;
        if (_embedder is IAsyncEmbedder asynchronous)
        {
            _awaiting = true;
            asynchronous.EmbedBatchAsync(texts).PipeTo(
                Self,
                success: vectors => new BatchEmbedded(batch, texts.Count, vectors, null),
                failure: ex => new BatchEmbedded(batch, texts.Count, null, ex));
            return;
        }

        float[][]? vectors = null;
        Exception? failure = null;
        try
        {
            vectors = _embedder.EmbedBatch(texts);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        Answer(batch, texts.Count, vectors, failure);
    }

    private void Answer(List<(EmbedTexts Request, IActorRef Sender)> batch, int texts, float[][]? vectors, Exception? failure)
    {
        if (vectors is null)
        {
            var ex = failure ?? new InvalidOperationException("no vectors");
            _log.Warning(ex, "Embedding {0} texts of {1} requests with {2} failed; the requests are answered and may be sent again", texts, batch.Count, _embedder.Id);
            foreach (var (request, sender) in batch)
            {
                sender.Tell(new EmbeddingFailed(request.RequestId, ex.Message));
            }

            ScheduleFlush();
            return;
        }

        var at = 0;
        foreach (var (request, sender) in batch)
        {
            sender.Tell(new TextsEmbedded(request.RequestId, vectors[at..(at + request.Texts.Count)]));
            at += request.Texts.Count;
        }

        // Requests that queued while the model ran are behind this marker's predecessor; collect them next.
        ScheduleFlush();
    }

    /// <summary>Self-sent: an asynchronous embedder answered the batch (<paramref name="Vectors"/>) or failed (<paramref name="Failure"/>).</summary>
    private sealed record BatchEmbedded(List<(EmbedTexts Request, IActorRef Sender)> Batch, int Texts, float[][]? Vectors, Exception? Failure);

    /// <summary>Self-sent: the mailbox has drained of requests (or the window passed); embed what is queued.</summary>
    private sealed record Flush
    {
        public static readonly Flush Instance = new();
    }
}

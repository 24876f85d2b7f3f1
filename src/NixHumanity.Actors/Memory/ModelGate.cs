using Akka.Actor;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// Keeps a <see cref="MemoryActor"/> from ever blocking on loading its embedder's model (a deferred embedder,
/// <see cref="IDeferredEmbedder"/>): events that need embedding while the model is not loaded are held in memory,
/// unapplied (the store's checkpoint does not move, so the journal still has them if the process stops), and requests
/// that need the model or a complete store wait here. The load runs in the background and its completion comes back
/// to the actor as <see cref="ModelLoaded"/> (or <see cref="ModelLoadFailed"/>). Events whose vectors the shared
/// embedding service is computing are held here too (<see cref="BeginEmbedding"/>): later events queue behind them, and
/// requests that need a complete store wait until they are applied.
/// </summary>
/// <param name="embedder">The system's embedder; with any other than a deferred one nothing is ever held.</param>
internal sealed class ModelGate(IEmbedder embedder)
{
    private readonly IDeferredEmbedder? _deferred = embedder as IDeferredEmbedder;
    private readonly List<JournaledSessionEvent> _held = [];
    private readonly List<(object Request, IActorRef Sender)> _waiting = [];
    private IReadOnlyList<JournaledSessionEvent>? _embedding;
    private bool _loading;

    /// <summary>Whether embedding now would wait for the model.</summary>
    public bool ModelMissing => _deferred is { IsLoaded: false };

    /// <summary>Whether events are held or being embedded (the store is behind what the actor has taken in).</summary>
    public bool Holding => _held.Count > 0 || _embedding is not null;

    /// <summary>Whether a batch is with the embedding service.</summary>
    public bool Embedding => _embedding is not null;

    /// <summary>The most events held and being embedded at once since the gate was made (a diagnostic of the memory's bound, docs/adr/0054).</summary>
    public int PeakHeld { get; private set; }

    /// <summary>The last sequence number held or being embedded, or null when there is none.</summary>
    public long? LastHeld => _held.Count > 0 ? _held[^1].SequenceNr : _embedding?[^1].SequenceNr;

    /// <summary>
    /// Holds <paramref name="events"/> when events are already held (order is kept) or when some of them need the
    /// model and it is not loaded; returns false when the caller may apply them now.
    /// </summary>
    /// <param name="events">The batch the projection is about to apply.</param>
    /// <param name="needsEmbedding">Whether the batch has something to embed.</param>
    public bool TryHold(IReadOnlyList<JournaledSessionEvent> events, bool needsEmbedding)
    {
        if (!Holding && !(needsEmbedding && ModelMissing))
        {
            return false;
        }

        _held.AddRange(events);
        NotePeak();
        return true;
    }

    /// <summary>Lets <paramref name="request"/> wait for the model; it is sent to the actor again once the model is loaded (<see cref="Release"/>).</summary>
    public void Wait(object request, IActorRef sender) => _waiting.Add((request, sender));

    /// <summary>
    /// Starts the background load once (later calls do nothing until it completes); the outcome is sent to
    /// <paramref name="self"/>. The process may stop meanwhile: nothing waits for the load.
    /// </summary>
    public void StartLoad(IActorRef self)
    {
        if (_deferred is null || _loading)
        {
            return;
        }

        _loading = true;
        _deferred.LoadAsync().PipeTo(self, success: () => ModelLoaded.Instance, failure: ex => new ModelLoadFailed(ex));
    }

    /// <summary>Holds <paramref name="events"/> whatever the model's state (a background re-embedding applies them in chunks).</summary>
    /// <param name="events">Events above everything held so far.</param>
    public void Hold(IReadOnlyList<JournaledSessionEvent> events)
    {
        _held.AddRange(events);
        NotePeak();
    }

    /// <summary>Removes and returns up to <paramref name="count"/> of the oldest held events.</summary>
    /// <param name="count">The most to take.</param>
    /// <returns>The events, in sequence order.</returns>
    public IReadOnlyList<JournaledSessionEvent> TakeOldest(int count)
    {
        var taken = _held.Take(count).ToList();
        _held.RemoveRange(0, taken.Count);
        return taken;
    }

    /// <summary>
    /// Marks <paramref name="events"/> (the oldest events taken in, nothing held before them) as being embedded by the
    /// service: they stay unapplied and later events are held behind them until <see cref="EndEmbedding"/>.
    /// </summary>
    /// <param name="events">The batch sent to the service.</param>
    public void BeginEmbedding(IReadOnlyList<JournaledSessionEvent> events)
    {
        if (_embedding is not null)
        {
            throw new InvalidOperationException("A batch is already being embedded.");
        }

        _embedding = events;
        NotePeak();
    }

    private void NotePeak() => PeakHeld = Math.Max(PeakHeld, _held.Count + (_embedding?.Count ?? 0));

    /// <summary>The batch being embedded, now to be applied (or handed back to <see cref="BeginEmbedding"/> to retry).</summary>
    /// <returns>The events of the batch, in sequence order.</returns>
    public IReadOnlyList<JournaledSessionEvent> EndEmbedding()
    {
        var events = _embedding ?? throw new InvalidOperationException("No batch is being embedded.");
        _embedding = null;
        return events;
    }

    /// <summary>The number of events held (not counting a batch being embedded).</summary>
    public int HeldCount => _held.Count;

    /// <summary>The number of events held and being embedded.</summary>
    public int Count => _held.Count + (_embedding?.Count ?? 0);

    /// <summary>After <see cref="ModelLoaded"/>: the held events (to apply now, in order) and the waiting requests are handed back.</summary>
    /// <param name="self">The actor, to which the waiting requests are sent again (from their original senders).</param>
    /// <returns>The held events, in sequence order.</returns>
    public IReadOnlyList<JournaledSessionEvent> Release(IActorRef self)
    {
        var held = TakeOldest(_held.Count);
        ReleaseWaiting(self);
        return held;
    }

    /// <summary>Sends the waiting requests to <paramref name="self"/> again (from their original senders); a later load may start.</summary>
    /// <param name="self">The actor.</param>
    public void ReleaseWaiting(IActorRef self)
    {
        _loading = false;
        foreach (var (request, sender) in _waiting)
        {
            self.Tell(request, sender);
        }

        _waiting.Clear();
    }

    /// <summary>Removes and returns the requests waiting here (to be answered by the actor when it fails or stops).</summary>
    /// <returns>The requests and their senders, in arrival order.</returns>
    public IReadOnlyList<(object Request, IActorRef Sender)> TakeWaiting()
    {
        var waiting = _waiting.ToList();
        _waiting.Clear();
        return waiting;
    }

    /// <summary>The background load completed; the model is ready.</summary>
    internal sealed record ModelLoaded
    {
        public static readonly ModelLoaded Instance = new();
    }

    /// <summary>The background load failed.</summary>
    /// <param name="Cause">Why.</param>
    internal sealed record ModelLoadFailed(Exception Cause);
}

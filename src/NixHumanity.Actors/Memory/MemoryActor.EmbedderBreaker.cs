using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// The memory actor's breaker on its embedder (docs/adr/0057). A batch whose vectors the embedder (the shared service
/// or an asynchronous embedder) fails to give is asked again after a growing delay and stays held, unapplied; after
/// <see cref="MemoryOptions.UnavailableAfterEmbedderFailures"/> failures in a row the embedder counts as broken: what
/// would wait for it is answered at once with <see cref="TemporarilyUnavailable"/> naming the embedder and its last
/// error, including what was already waiting. Statuses are answered at once with the checkpoint reached. The retries go
/// on; the first call that succeeds closes the breaker and the held batch is applied, then whatever the journal holds
/// beyond it (records are journaled meanwhile; the memory holds a bounded number of them, docs/adr/0054).
/// </summary>
internal sealed partial class MemoryActor
{
    /// <summary>Why requests that need the embedder are answered unavailable now; null while the embedder is not broken.</summary>
    private string? _embedderBroken;

    /// <summary>The answer to a request that needs the embedder while it is broken.</summary>
    private TemporarilyUnavailable EmbedderUnavailable() => new(UserId, Component, _embedderBroken!);

    /// <summary>
    /// After the <paramref name="failures"/>-th failed call in a row: opens the breaker at the threshold (answering
    /// every request that waits for the embedder), or, when open, keeps its reason up to date.
    /// </summary>
    private void EmbedderFailed(int failures, string reason)
    {
        if (failures < _settings.Options.UnavailableAfterEmbedderFailures)
        {
            return;
        }

        var opening = _embedderBroken is null;
        _embedderBroken = $"the embedder {_embedder.Id} failed {failures} times in a row ({reason}); asking it again";
        if (!opening)
        {
            return;
        }

        Log.Warning(
            "Memory of {0}: the embedder {1} failed {2} times in a row ({3}); answering searches and folds unavailable until it answers again, records stay in the journal",
            UserId, _embedder.Id, failures, reason);
        AnswerWaitingForEmbedder();
    }

    /// <summary>A call of the embedder succeeded: closes the breaker when it was open.</summary>
    private void EmbedderAnswered()
    {
        if (_embedderBroken is null)
        {
            return;
        }

        _embedderBroken = null;
        Log.Info("Memory of {0}: the embedder {1} answers again; applying what the journal holds", UserId, _embedder.Id);
    }

    /// <summary>The requests waiting for the batch with the embedder or kept by the catch-up are answered now.</summary>
    private void AnswerWaitingForEmbedder()
    {
        foreach (var (_, request, sender) in _waitingForBatch)
        {
            sender.Tell(BrokenEmbedderReply(request) ?? EmbedderUnavailable());
        }

        _waitingForBatch.Clear();
        _releasedAfterBatch.Clear();
        AnswerKeptRequests();
    }

    /// <summary>
    /// While the embedder is broken, a request kept by a catch-up (which waits for the embedder) is answered at once.
    /// During a background re-embedding the ready state's handlers run during the catch-up (see <see cref="WhileCatchingUp"/>).
    /// </summary>
    /// <inheritdoc />
    protected override object? ReplyWhileCatchingUp(object request) => _embedderBroken is null ? null : BrokenEmbedderReply(request);

    /// <summary>
    /// The answer to <paramref name="request"/> while the embedder is broken: unavailable for what needs it or every
    /// memory (search, export, compaction, the learner's command embeddings), the checkpoint reached for a status,
    /// nothing warmed; null for anything else (handled as usual).
    /// </summary>
    private object? BrokenEmbedderReply(object request) => request switch
    {
        GetMemoryStatus => Status(),
        SearchMemory or ExportMemory or CompactMemory or GetCommandEmbeddings => EmbedderUnavailable(),
        WarmSuggestions => new SuggestionsWarmed(UserId, 0, Store.CurrentVersion),
        _ => null,
    };
}

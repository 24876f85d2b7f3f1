using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// The memory actor with an asynchronous embedder (<see cref="IAsyncEmbedder"/>, a host's <c>IEmbeddingGenerator</c>;
/// docs/adr/0032): nothing waits for it on the store thread. Events to embed, during catch-up and the background
/// re-embedding too, are held unapplied while their vectors are asked (as with the shared embedding service, whose
/// ordering, retries and waiting requests apply), so records become searchable in journal order and versions stay
/// journal positions. A search or warm-up whose texts are not in the query cache asks for their vectors and is
/// answered when they arrive; meanwhile other messages are handled.
/// </summary>
internal sealed partial class MemoryActor
{
    /// <summary>Whether embedding happens off this actor's thread (the shared service or an asynchronous embedder).</summary>
    private bool EmbedsOffThread => _embeddings is not null || _async is not null;

    /// <summary>The cached vector of <paramref name="text"/>, without calling the embedder.</summary>
    private bool TryCachedQuery(string text, out float[] vector) => _settings.QueryCache.TryGet(_embedder, text, out vector);

    /// <summary>
    /// The cached vectors of <paramref name="texts"/> in <paramref name="vectors"/>; false when any is missing (then
    /// <paramref name="vectors"/> holds those that were found).
    /// </summary>
    private bool TryCachedQueries(IReadOnlyList<string> texts, out IReadOnlyDictionary<string, float[]> vectors)
    {
        var found = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            if (TryCachedQuery(text, out var vector))
            {
                found[text] = vector;
            }
        }

        vectors = found;
        return found.Count == texts.Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>Asks the embedder for <paramref name="query"/>'s vector; the search continues on <see cref="QueryEmbedded"/>.</summary>
    private void EmbedQuery(SearchMemory query)
    {
        var embedder = _embedder;
        var cache = _settings.QueryCache;
        _async!.EmbedBatchAsync([query.Query]).PipeTo(
            Self,
            Sender,
            success: vectors =>
            {
                cache.Add(embedder, query.Query, vectors[0]);
                return new QueryEmbedded(query, vectors[0]);
            },
            failure: ex => new QueryEmbeddingFailed(query, ex.GetBaseException().Message));
    }

    /// <summary>The query could not be embedded: the caller hears that the memory cannot search now; nothing restarts.</summary>
    private void QueryNotEmbedded(QueryEmbeddingFailed failed)
    {
        Log.Warning("Memory of {0}: embedding a query with {1} failed: {2}", UserId, _embedder.Id, failed.Reason);
        Sender.Tell(new TemporarilyUnavailable(UserId, Component, $"the embedder {_embedder.Id} failed ({failed.Reason})"));
    }

    /// <summary>Asks the embedder for the texts of <paramref name="warm"/> not in <paramref name="cached"/>; warming continues on <see cref="WarmTextsEmbedded"/>.</summary>
    private void EmbedWarmTexts(WarmSuggestions warm, IReadOnlyDictionary<string, float[]> cached)
    {
        var missing = warm.LikelyNextTexts.Where(t => !cached.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        var embedder = _embedder;
        var cache = _settings.QueryCache;
        _async!.EmbedBatchAsync(missing).PipeTo(
            Self,
            Sender,
            success: vectors =>
            {
                var all = new Dictionary<string, float[]>(cached, StringComparer.Ordinal);
                for (var i = 0; i < missing.Count; i++)
                {
                    cache.Add(embedder, missing[i], vectors[i]);
                    all[missing[i]] = vectors[i];
                }

                return new WarmTextsEmbedded(warm, all);
            },
            // Warming is only a cache: without vectors nothing is warmed (the learner warms again after its next fold).
            failure: _ => new WarmTextsEmbedded(warm with { LikelyNextTexts = [] }, new Dictionary<string, float[]>()));
    }

    /// <summary>Self-sent (from the original sender): the vector of a search's query.</summary>
    private sealed record QueryEmbedded(SearchMemory Query, float[] Vector);

    /// <summary>Self-sent (from the original sender): the query of a search could not be embedded.</summary>
    private sealed record QueryEmbeddingFailed(SearchMemory Query, string Reason);

    /// <summary>Self-sent (from the original sender): the vectors of a warm-up's texts.</summary>
    private sealed record WarmTextsEmbedded(WarmSuggestions Warm, IReadOnlyDictionary<string, float[]> Vectors);
}

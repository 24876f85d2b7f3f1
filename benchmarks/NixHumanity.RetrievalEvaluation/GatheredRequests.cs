using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>One request's channel evidence and how an answer to it becomes an outcome.</summary>
/// <param name="Evidence">What every channel found for it, gathered once by the store.</param>
/// <param name="Outcome">The outcome of an answer (the request's group, relevant ids, round).</param>
internal sealed record GatheredRequest(QueryEvidence Evidence, Func<SearchAnswer, QueryOutcome> Outcome);

/// <summary>
/// A data set's requests with the channel evidence of each, gathered once through the store
/// (<see cref="VectorMemoryStore.GatherEvidence"/>) and then fused under any number of weightings by the store's own
/// fusion code (<see cref="QueryEvidence.Fuse"/>). This is what makes the weight sweep fast: the channels (cosine
/// scan, BM25 over words and 3-grams) run once per request, not once per request and weighting. The stores stay open
/// while the evidence is used.
/// </summary>
internal sealed class GatheredRequests(IReadOnlyList<VectorMemoryStore> stores, IReadOnlyList<GatheredRequest> requests, int k) : IDisposable
{
    /// <summary>Requests gathered.</summary>
    public int Count => requests.Count;

    /// <summary>
    /// One score card per weighting in <paramref name="points"/>, each as the store's search under those options would
    /// give it (every point must be a fused one: <see cref="SearchFusion.IsHybrid"/>). Requests are fused in parallel,
    /// each request by one thread at a time.
    /// </summary>
    public IReadOnlyList<ScoreCard> Fuse(IReadOnlyList<VectorMemoryStoreOptions> points)
    {
        var outcomes = new QueryOutcome[points.Count][];
        for (var p = 0; p < points.Count; p++)
        {
            outcomes[p] = new QueryOutcome[requests.Count];
        }

        Parallel.For(0, requests.Count, r =>
        {
            var request = requests[r];
            for (var p = 0; p < points.Count; p++)
            {
                outcomes[p][r] = request.Outcome(SearchAnswer.Of(request.Evidence.Fuse(k, points[p])));
            }
        });

        return outcomes.Select(row =>
        {
            var card = new ScoreCard();
            foreach (var outcome in row)
            {
                card.Add(outcome);
            }

            return card;
        }).ToList();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var store in stores)
        {
            store.Dispose();
        }
    }
}

using System.Numerics.Tensors;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// A search of the store (query text and its embedding, so every retrieval channel runs), re-ranked by the learner's preferences when there are any:
/// <c>score + PreferenceWeight × (cos(memory, direction) + affinity(command))</c> over more candidates than asked,
/// so a well-aligned memory just below the cut can rise.
/// </summary>
/// <param name="userId">The person (for the reply).</param>
/// <param name="embedder">Embeds the query text.</param>
/// <param name="options">The preference weight (0 ignores preferences).</param>
internal sealed class MemoryRanking(string userId, IEmbedder embedder, MemoryOptions options)
{
    /// <summary>The best <paramref name="limit"/> memories for <paramref name="text"/>.</summary>
    /// <param name="store">The person's store.</param>
    /// <param name="preferences">The learner's preferences, or null.</param>
    /// <param name="text">The query.</param>
    /// <param name="limit">Results wanted.</param>
    /// <param name="where">Optional prefilter.</param>
    /// <param name="asOf">Optional version or time.</param>
    /// <param name="vector">The text's embedding when the caller has it (an asynchronous embedder's answer); embedded here when null.</param>
    /// <exception cref="Contracts.InvalidInputException">The store refuses the query, predicate or version.</exception>
    public MemorySearched Search(VectorMemoryStore store, MemoryPreferences? preferences, string text, int limit, string? where, MemoryAsOf? asOf, float[]? vector = null)
    {
        preferences = options.PreferenceWeight > 0 ? preferences : null;
        var fetch = preferences is null ? limit : Math.Min(VectorMemoryStore.MaxK, Math.Max(limit * 4, limit + 32));
        var response = store.Search(new MemoryQuery(text, vector ?? embedder.Embed(text)), fetch, where, asOf);
        IEnumerable<MemoryHit> hits = response.Results.Select(r => preferences is null
            ? new MemoryHit(r.Id, r.Command, r.Text, r.Intent, r.Score, r.Similarity, r.SuccessRate, r.UserSatisfaction, r.Attempts, null, r.Confidence)
            : Preferred(store, preferences, r));
        if (preferences is not null)
        {
            hits = hits.OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal);
        }

        return new MemorySearched(userId, text, response.Version, response.Strategy, false, hits.Take(limit).ToList(), response.Abstained, response.BestConfidence);
    }

    private MemoryHit Preferred(VectorMemoryStore store, MemoryPreferences preferences, MemorySearchResult r)
    {
        // The live vector is used even for time travel: preferences are about the person now.
        var vector = store.LiveVector(r.Id);
        var alignment = vector.IsEmpty ? 0 : TensorPrimitives.Dot(vector, preferences.Direction);
        var affinity = preferences.Affinity.GetValueOrDefault(r.Command);
        var score = r.Score + (options.PreferenceWeight * (alignment + affinity));
        return new MemoryHit(r.Id, r.Command, r.Text, r.Intent, score, r.Similarity, r.SuccessRate, r.UserSatisfaction, r.Attempts, alignment, r.Confidence);
    }
}

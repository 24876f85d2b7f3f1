namespace NixHumanity.Actors.Memory.Store;

/// <summary>How the channels' scores of a candidate become one relevance (see docs/retrieval.md).</summary>
public enum FusionMode
{
    /// <summary>
    /// Convex combination of calibrated channel scores: <c>(wd·cos + wl·bm25/bm25max + wt·typo/typomax) / (wd+wl+wt)</c>,
    /// where each BM25 is divided by the highest score the query could attain, so it is comparable across queries.
    /// </summary>
    Score,

    /// <summary>
    /// Weighted reciprocal-rank fusion: <c>Σ w·1/(RrfK + rank)</c> over the channels that ranked the candidate in their
    /// top <see cref="VectorMemoryStoreOptions.ChannelCandidates"/>, divided by its maximum <c>Σ w/(RrfK+1)</c>.
    /// Kept for the evaluation's reference rows.
    /// </summary>
    ReciprocalRank,
}

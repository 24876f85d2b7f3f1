namespace NixHumanity.Actors.Memory.Store;

/// <summary>One hit of <see cref="VectorMemoryStore.Search(MemoryQuery, int, string?, MemoryAsOf?)"/>.</summary>
/// <param name="Id">The memory's id (<see cref="VectorMemoryStore.IdFor"/> of the command).</param>
/// <param name="Command">The command.</param>
/// <param name="Text">The phrasing stored with it (the latest one at the version read).</param>
/// <param name="Intent">The intent, if known.</param>
/// <param name="Score">The ranking score: <c>SimilarityWeight·relevance + SuccessRateWeight·SuccessRate</c>, where
/// relevance is the fused channel score (the cosine alone for a vector-only query).</param>
/// <param name="Similarity">The raw cosine similarity between the query and the stored vector.</param>
/// <param name="SuccessRate">Successes divided by attempts (0 when no outcome was ever reported).</param>
/// <param name="UserSatisfaction">Mean reported satisfaction, or null when none was reported.</param>
/// <param name="Attempts">Recordings with a reported outcome.</param>
/// <param name="Confidence">The fused relevance clamped to [0,1], before success rate and preferences: how sure the
/// store is that this memory is what was asked for (compared with <see cref="VectorMemoryStoreOptions.AbstainBelow"/>).</param>
/// <param name="Channels">The candidate's calibrated score on every channel.</param>
internal sealed record MemorySearchResult(
    string Id,
    string Command,
    string Text,
    string? Intent,
    double Score,
    double Similarity,
    double SuccessRate,
    double? UserSatisfaction,
    long Attempts,
    double Confidence,
    MemoryChannelScores Channels);

/// <summary>A candidate's calibrated score on each retrieval channel (0 for a channel that did not run).</summary>
/// <param name="Dense">Cosine between the query's and the memory's vectors.</param>
/// <param name="Lexical">Word BM25 divided by the query's highest attainable BM25, in [0,1).</param>
/// <param name="Typo">Character 3-gram BM25 divided by the query's highest attainable one, in [0,1).</param>
internal sealed record MemoryChannelScores(double Dense, double Lexical, double Typo);

/// <summary>How a search was executed; returned so callers, tests and benchmarks can see the path taken.</summary>
public enum SearchStrategy
{
    /// <summary>Brute force over every live row (SIMD dot products).</summary>
    Exact,

    /// <summary>Brute force over the rows the prefilter allowed.</summary>
    ExactFiltered,

    /// <summary>HNSW graph search (approximate).</summary>
    Hnsw,

    /// <summary>HNSW search over-fetching candidates, then dropping those the prefilter excludes (approximate).</summary>
    HnswPostFiltered,

    /// <summary>Brute force over the rows visible at an older version (time travel).</summary>
    ExactHistorical,
}

/// <summary>The answer of <see cref="VectorMemoryStore.Search(MemoryQuery, int, string?, MemoryAsOf?)"/>.</summary>
/// <param name="Results">Best first, at most k.</param>
/// <param name="Version">The table version that was read.</param>
/// <param name="Strategy">How the search ran.</param>
/// <param name="CandidateRows">Rows that passed the prefilter (all visible rows without one).</param>
/// <param name="Abstained">True when no candidate's confidence reached <see cref="VectorMemoryStoreOptions.AbstainBelow"/>:
/// nothing remembered is relevant. <paramref name="Results"/> still lists the closest memories, each with its confidence.</param>
/// <param name="BestConfidence">The highest confidence among the candidates (also when abstaining; 0 without candidates).</param>
internal sealed record MemorySearchResponse(
    IReadOnlyList<MemorySearchResult> Results,
    long Version,
    SearchStrategy Strategy,
    int CandidateRows,
    bool Abstained = false,
    double BestConfidence = 0);

namespace NixHumanity.Actors.Memory.Store;

/// <summary>One hit of <see cref="VectorMemoryStore.Search"/>.</summary>
/// <param name="Id">The memory's id (<see cref="VectorMemoryStore.IdFor"/> of the command).</param>
/// <param name="Command">The command.</param>
/// <param name="Text">The phrasing stored with it (the latest one at the version read).</param>
/// <param name="Intent">The intent, if known.</param>
/// <param name="Score">The ranking score: <c>SimilarityWeight·Similarity + SuccessRateWeight·SuccessRate</c>.</param>
/// <param name="Similarity">The raw cosine similarity between the query and the stored vector.</param>
/// <param name="SuccessRate">Successes divided by attempts (0 when no outcome was ever reported).</param>
/// <param name="UserSatisfaction">Mean reported satisfaction, or null when none was reported.</param>
/// <param name="Attempts">Recordings with a reported outcome.</param>
public sealed record MemorySearchResult(
    string Id,
    string Command,
    string Text,
    string? Intent,
    double Score,
    double Similarity,
    double SuccessRate,
    double? UserSatisfaction,
    long Attempts);

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

/// <summary>The answer of <see cref="VectorMemoryStore.Search"/>.</summary>
/// <param name="Results">Best first, at most k.</param>
/// <param name="Version">The table version that was read.</param>
/// <param name="Strategy">How the search ran.</param>
/// <param name="CandidateRows">Rows that passed the prefilter (all visible rows without one).</param>
public sealed record MemorySearchResponse(
    IReadOnlyList<MemorySearchResult> Results,
    long Version,
    SearchStrategy Strategy,
    int CandidateRows);

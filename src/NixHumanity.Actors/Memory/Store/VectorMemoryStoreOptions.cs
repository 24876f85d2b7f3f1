using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>Tuning of <see cref="VectorMemoryStore"/>; the defaults suit one person's command history.</summary>
public sealed record VectorMemoryStoreOptions
{
    /// <summary>Weight of cosine similarity in the ranking score (default 0.85).</summary>
    public double SimilarityWeight { get; init; } = 0.85;

    /// <summary>Weight of the success rate in the ranking score (default 0.15). Set 0 to rank by similarity only.</summary>
    public double SuccessRateWeight { get; init; } = 0.15;

    /// <summary>
    /// From this many live memories on, an HNSW index (USearch) is built in the background and used once ready
    /// (default 20,000). Below it exact search is faster than the index's overhead anyway.
    /// </summary>
    public int HnswThreshold { get; init; } = 20_000;

    /// <summary>
    /// With a prefilter, exact search over the allowed rows is used while they number at most this many
    /// (default 50,000: with the bounded int8 pass such a scan takes one to three milliseconds and has perfect
    /// recall); above it the HNSW index, once built, over-fetches and post-filters.
    /// </summary>
    public int ExactFilteredMaxRows { get; init; } = 50_000;

    /// <summary>HNSW graph degree (USearch connectivity, default 16).</summary>
    public int HnswConnectivity { get; init; } = 16;

    /// <summary>HNSW build-time beam width (USearch expansion_add, default 128).</summary>
    public int HnswExpansionAdd { get; init; } = 128;

    /// <summary>
    /// HNSW query-time beam width (USearch expansion_search, default 256). Measured on 3,000 clustered rows, four
    /// builds each: recall@10 0.962–0.971 at 128 (one loaded CI run: 0.948) and 0.995–0.997 at 256, for 0.21–0.38
    /// against 0.31 ms per query.
    /// </summary>
    public int HnswExpansionSearch { get; init; } = 256;

    /// <summary>Threads used to build the HNSW index (default: all cores).</summary>
    public int HnswBuildThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether prefilter results are cached per (predicate, table version). The cache is exact — any mutation
    /// bumps the version — and saves DuckDB's per-query overhead when the same filter repeats (default true).
    /// </summary>
    public bool CacheFilterResults { get; init; } = true;

    /// <summary>
    /// Exact scans over at least this many rows are split across <see cref="ScanThreads"/> threads (default 16,384;
    /// below it the thread hand-off costs more than it saves).
    /// </summary>
    public int ParallelScanMinRows { get; init; } = 16_384;

    /// <summary>
    /// Threads an exact scan may use (default 1: every search stays on the owner's thread and leaves the other cores
    /// to the other actors). On the shared 2-core benchmark host two threads were sometimes slower and sometimes
    /// up to 24 % faster (docs/benchmarks-vectors.md, runs 3 and 4); raise it on idle many-core hosts.
    /// </summary>
    public int ScanThreads { get; init; } = 1;

    /// <summary>
    /// Exact scans over at least this many rows first read an int8 copy of the vectors with a guaranteed error
    /// bound, then recompute in float32 only the rows that could still reach the top k (default 8,192). Results are
    /// identical to a plain float32 scan; large scans read about a quarter of the memory. The copy costs one byte
    /// per dimension and row. <see cref="int.MaxValue"/> turns it off; CPUs without AVX2 always scan float32.
    /// </summary>
    public int QuantizedScanMinRows { get; init; } = 8_192;

    /// <summary>Validates the options.</summary>
    /// <exception cref="InvalidInputException">A weight is negative or not finite, or a size is out of range (field <c>options</c>).</exception>
    public void Validate()
    {
        if (!double.IsFinite(SimilarityWeight) || SimilarityWeight < 0 || !double.IsFinite(SuccessRateWeight) || SuccessRateWeight < 0)
        {
            throw MemoryInputRules.Reject("options", "weights must be finite and non-negative");
        }

        if (SimilarityWeight + SuccessRateWeight <= 0)
        {
            throw MemoryInputRules.Reject("options", "at least one weight must be positive");
        }

        if (HnswThreshold < 1 || ExactFilteredMaxRows < 0 || HnswConnectivity < 2 || HnswExpansionAdd < 1 || HnswExpansionSearch < 1 || HnswBuildThreads < 1 || ParallelScanMinRows < 1 || ScanThreads < 1 || QuantizedScanMinRows < 1)
        {
            throw MemoryInputRules.Reject("options", "HNSW and scan sizes must be positive (connectivity at least 2)");
        }
    }
}

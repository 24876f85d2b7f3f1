using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>Tuning of <see cref="VectorMemoryStore"/>; the defaults suit one person's command history.</summary>
internal sealed record VectorMemoryStoreOptions
{
    /// <summary>
    /// Weight of the fused relevance (cosine similarity alone for a vector-only query) in the ranking score
    /// (default 0.85).
    /// </summary>
    public double SimilarityWeight { get; init; } = 0.85;

    /// <summary>Weight of the success rate in the ranking score (default 0.15). Set 0 to rank by similarity only.</summary>
    public double SuccessRateWeight { get; init; } = 0.15;

    /// <summary>Weight of the dense channel (cosine between the query's and the memory's vectors) in the fusion (default 0.45,
    /// the weight sweep's winner; see docs/retrieval.md).</summary>
    public double DenseWeight { get; init; } = 0.45;

    /// <summary>
    /// Weight of the lexical channel (Okapi BM25 over the words of each memory's text and command, accents folded,
    /// stop words and spoken fillers dropped, lightly stemmed) in the fusion (default 0.05). 0 turns the channel off.
    /// </summary>
    public double LexicalWeight { get; init; } = 0.05;

    /// <summary>
    /// Weight of the typo channel (BM25 over the character 3-grams of the same words, so "fierfox" still meets
    /// "firefox") in the fusion (default 0.5). 0 turns the channel off.
    /// </summary>
    public double TypoWeight { get; init; } = 0.5;

    /// <summary>How the channels are fused (default <see cref="FusionMode.Score"/>).</summary>
    public FusionMode Fusion { get; init; } = FusionMode.Score;

    /// <summary>Okapi BM25 term-frequency saturation k1 of both lexical channels (default 1.2).</summary>
    public double Bm25K1 { get; init; } = 1.2;

    /// <summary>Okapi BM25 length normalisation b of both lexical channels, 0..1 (default 0.75).</summary>
    public double Bm25B { get; init; } = 0.75;

    /// <summary>
    /// Candidates each active channel contributes (its top N, at least k) before every candidate is scored on every
    /// channel and fused (default 100).
    /// </summary>
    public int ChannelCandidates { get; init; } = 100;

    /// <summary>The rank offset of <see cref="FusionMode.ReciprocalRank"/> (default 60, the usual constant).</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>
    /// A search abstains — says that nothing remembered is relevant, still listing the closest memories — when no
    /// candidate's confidence (the fused relevance, blended as <see cref="ConfidenceDenseShare"/> and
    /// <see cref="ConfidenceMarginWeight"/> say, clamped to [0,1]) reaches this value (default 0: never; the memory actor sets its own, see
    /// <see cref="MemoryOptions.AbstainBelow"/>).
    /// </summary>
    public double AbstainBelow { get; init; }

    /// <summary>
    /// Share of the dense cosine in a fused search's confidence, 0..1 (default 0: the confidence is the fused
    /// relevance). See <see cref="AbstentionCalibration"/>; the memory actor takes it from its embedder's calibration.
    /// </summary>
    public double ConfidenceDenseShare { get; init; }

    /// <summary>
    /// Weight, 0..10, of a candidate's margin over the ten best other candidates (its relevance minus their mean
    /// relevance) in a fused search's confidence (default 0). See <see cref="AbstentionCalibration"/>.
    /// </summary>
    public double ConfidenceMarginWeight { get; init; }

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

    /// <summary>
    /// Components of every stored vector: the embedder's dimension (default 384, all-MiniLM-L6-v2's), 1 to
    /// <see cref="QuantizedRows.MaxDimensions"/>. The file records it; a file written with another dimension holds
    /// another embedder's vectors and is re-embedded (<see cref="VectorMemoryStore.IsEmbedderMismatch"/>).
    /// </summary>
    public int Dimensions { get; init; } = VectorMemoryStore.DefaultDimensions;

    /// <summary>
    /// Null (default): the store's file gets a DuckDB instance of its own. A folder holding the file: the file is
    /// attached to one instance shared by the stores under that folder, locked to it (file access outside the folder
    /// off, configuration locked): about 0.3 MB per store instead of 3 MB (docs/adr/0030, docs/adr/0036).
    /// </summary>
    public string? SharedInstanceFolder { get; init; }

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

        ValidateFusion();
        if (HnswThreshold < 1 || ExactFilteredMaxRows < 0 || HnswConnectivity < 2 || HnswExpansionAdd < 1 || HnswExpansionSearch < 1 || HnswBuildThreads < 1 || ParallelScanMinRows < 1 || ScanThreads < 1 || QuantizedScanMinRows < 1)
        {
            throw MemoryInputRules.Reject("options", "HNSW and scan sizes must be positive (connectivity at least 2)");
        }

        if (Dimensions is < 1 or > QuantizedRows.MaxDimensions)
        {
            throw MemoryInputRules.Reject("options", $"Dimensions must be between 1 and {QuantizedRows.MaxDimensions} (got {Dimensions})");
        }
    }

    private void ValidateFusion()
    {
        double[] weights = [DenseWeight, LexicalWeight, TypoWeight];
        if (weights.Any(w => !double.IsFinite(w) || w < 0) || weights.Sum() <= 0)
        {
            throw MemoryInputRules.Reject("options", "channel weights must be finite and non-negative, and at least one positive");
        }

        if (!double.IsFinite(Bm25K1) || Bm25K1 < 0 || !double.IsFinite(Bm25B) || Bm25B is < 0 or > 1)
        {
            throw MemoryInputRules.Reject("options", "BM25 k1 must be finite and non-negative, b within [0,1]");
        }

        if (ChannelCandidates < 1 || RrfK < 0 || !double.IsFinite(AbstainBelow) || AbstainBelow is < 0 or > 1 || !Enum.IsDefined(Fusion))
        {
            throw MemoryInputRules.Reject("options", "channel candidates must be positive, RRF k non-negative, AbstainBelow within [0,1]");
        }

        if (!double.IsFinite(ConfidenceDenseShare) || ConfidenceDenseShare is < 0 or > 1 || !double.IsFinite(ConfidenceMarginWeight) || ConfidenceMarginWeight is < 0 or > 10)
        {
            throw MemoryInputRules.Reject("options", "ConfidenceDenseShare must be within [0,1], ConfidenceMarginWeight within [0,10]");
        }
    }
}

using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// Configuration of each user's <see cref="MemoryActor"/>: search tuning and ranking weights. The embedder itself is
/// configured by the host options (<c>NixHumanityOptions.Embeddings</c>).
/// </summary>
public sealed class MemoryOptions
{
    /// <summary>Weight of the fused relevance in the ranking score (default 0.85).</summary>
    public double SimilarityWeight { get; set; } = 0.85;

    /// <summary>Weight of the success rate in the ranking score (default 0.15).</summary>
    public double SuccessRateWeight { get; set; } = 0.15;

    /// <summary>
    /// Weight of the learned preference (cosine between a memory's vector and the preference direction sent by the
    /// learner, plus its command affinity) added to the score (default 0.1; 0 ignores preferences).
    /// </summary>
    public double PreferenceWeight { get; set; } = 0.1;

    /// <summary>
    /// Weight of the dense channel (cosine of the embeddings) in the fusion. Default null: chosen per embedder, like
    /// the other two weights (<see cref="FusionWeights.For"/>: all-MiniLM-L6-v2 0.45 / 0.05 / 0.5; docs/retrieval.md).
    /// A value set here replaces that embedder's default for this channel only.
    /// </summary>
    public double? DenseWeight { get; set; }

    /// <summary>Weight of the lexical channel (BM25 over the stemmed words of text and command) in the fusion (default null: per embedder, see <see cref="DenseWeight"/>).</summary>
    public double? LexicalWeight { get; set; }

    /// <summary>Weight of the typo channel (BM25 over character 3-grams) in the fusion (default null: per embedder, see <see cref="DenseWeight"/>).</summary>
    public double? TypoWeight { get; set; }

    /// <summary>Score fusion of calibrated channel scores, or weighted reciprocal-rank fusion (default score fusion).</summary>
    public FusionMode Fusion { get; set; } = FusionMode.Score;

    /// <summary>BM25 k1 of the lexical channels (default 1.2).</summary>
    public double Bm25K1 { get; set; } = 1.2;

    /// <summary>BM25 b of the lexical channels (default 0.75).</summary>
    public double Bm25B { get; set; } = 0.75;

    /// <summary>Candidates each channel contributes before fusion (default 100).</summary>
    public int ChannelCandidates { get; set; } = 100;

    /// <summary>Rank offset of reciprocal-rank fusion (default 60).</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>
    /// A search abstains — answers that nothing remembered is relevant (flagged; the closest memories are still
    /// listed with their confidence) — when no candidate's confidence reaches this value (0 never abstains). Default
    /// null: the threshold, and how the confidence is computed, are calibrated per embedder
    /// (<see cref="AbstentionCalibration.For"/>; docs/retrieval.md). A value set here replaces only the threshold.
    /// </summary>
    public double? AbstainBelow { get; set; }

    /// <summary>Live memories from which an HNSW index is built and used (default 20,000).</summary>
    public int HnswThreshold { get; set; } = 20_000;

    /// <summary>Likely next requests whose results <see cref="WarmSuggestions"/> may cache at once (default 32).</summary>
    public int WarmCacheSize { get; set; } = 32;

    /// <summary>
    /// With an embedder whose model loads on first use (the packaged all-MiniLM-L6-v2): whether new events to embed
    /// start loading it in the background (default true, for a long-running host, so the first search finds it loaded).
    /// False leaves them unapplied until a search needs the model (the CLI: a one-shot <c>record</c> never loads it,
    /// and the next <c>search</c> embeds what was recorded meanwhile). Nothing ever blocks on the load either way.
    /// </summary>
    public bool LoadModelForNewEvents { get; set; } = true;

    /// <summary>
    /// Whether live events are embedded by the actor system's shared embedding service (default false; ADR 0021): texts from every
    /// memory of the process are collected into one model call that runs on the service's own thread, and the memory
    /// keeps answering requests meanwhile, holding the events unapplied until their vectors arrive. False: each memory
    /// embeds its own events on its own (store) thread, one model call per memory and batch. Off by default: on an idle
    /// machine the service's long model calls delayed acknowledgements (100 users: ack p99 883 ms against 67 ms), while
    /// on a busy one it was the faster (docs/benchmarks.md, "Round 4").
    /// </summary>
    public bool SharedEmbedding { get; set; }

    /// <summary>
    /// Consecutive failed calls of the embedder (the shared embedding service's or an asynchronous embedder's) after
    /// which the memory counts it as broken (default 3, after about 0.3 s of retries): until a call succeeds again,
    /// searches, exports, compactions and the learner's request for command embeddings are answered at once with
    /// <see cref="Contracts.TemporarilyUnavailable"/> naming the embedder and its last error, instead of waiting for
    /// it; the embedder is still asked again with a growing delay, records are still journaled, and the memory catches
    /// them up when the embedder answers (docs/adr/0057). Between 1 and 1000.
    /// </summary>
    public int UnavailableAfterEmbedderFailures { get; set; } = 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and the rule when a value is unusable.</summary>
    public void Validate()
    {
        Weight(SimilarityWeight, nameof(SimilarityWeight));
        Weight(SuccessRateWeight, nameof(SuccessRateWeight));
        Weight(PreferenceWeight, nameof(PreferenceWeight));
        if (SimilarityWeight + SuccessRateWeight <= 0)
        {
            throw new ArgumentException("SimilarityWeight + SuccessRateWeight must be positive", "Memory");
        }

        ValidateRetrieval();
        if (HnswThreshold < 1)
        {
            throw new ArgumentException("must be at least 1", "Memory." + nameof(HnswThreshold));
        }

        if (UnavailableAfterEmbedderFailures is < 1 or > 1_000)
        {
            throw new ArgumentException("must be between 1 and 1000", "Memory." + nameof(UnavailableAfterEmbedderFailures));
        }

        if (WarmCacheSize is < 1 or > 1_000)
        {
            throw new ArgumentException("must be between 1 and 1000", "Memory." + nameof(WarmCacheSize));
        }
    }

    /// <summary>
    /// The store tuning these options imply, with the fusion weights and the abstention calibration of the embedder
    /// <paramref name="embedderId"/> wherever these options leave them unset.
    /// </summary>
    /// <param name="embedderId">The id of the embedder whose vectors the store holds (null: an embedder not measured).</param>
    internal VectorMemoryStoreOptions ToStoreOptions(string? embedderId = null) =>
        ToStoreOptions(FusionWeights.For(embedderId), AbstentionCalibration.For(embedderId));

    /// <summary>The three channel weights: those set here, the embedder's defaults for the rest.</summary>
    private (double Dense, double Lexical, double Typo) WeightsOver(FusionWeights defaults) =>
        (DenseWeight ?? defaults.Dense, LexicalWeight ?? defaults.Lexical, TypoWeight ?? defaults.Typo);

    private VectorMemoryStoreOptions ToStoreOptions(FusionWeights defaults, AbstentionCalibration calibration)
    {
        var (dense, lexical, typo) = WeightsOver(defaults);
        return ToStoreOptions(calibration) with { DenseWeight = dense, LexicalWeight = lexical, TypoWeight = typo };
    }

    private VectorMemoryStoreOptions ToStoreOptions(AbstentionCalibration calibration) => new()
    {
        SimilarityWeight = SimilarityWeight,
        SuccessRateWeight = SuccessRateWeight,
        HnswThreshold = HnswThreshold,
        Fusion = Fusion,
        Bm25K1 = Bm25K1,
        Bm25B = Bm25B,
        ChannelCandidates = ChannelCandidates,
        RrfK = RrfK,
        AbstainBelow = AbstainBelow ?? calibration.AbstainBelow,
        ConfidenceDenseShare = calibration.DenseShare,
        ConfidenceMarginWeight = calibration.MarginWeight,
    };

    private void ValidateRetrieval()
    {
        Weight(DenseWeight, nameof(DenseWeight));
        Weight(LexicalWeight, nameof(LexicalWeight));
        Weight(TypoWeight, nameof(TypoWeight));
        // Weights left unset come from the embedder, which is not known here: the sum must be positive with any.
        if (FusionWeights.All.Select(WeightsOver).Any(w => w.Dense + w.Lexical + w.Typo <= 0))
        {
            throw new ArgumentException("DenseWeight + LexicalWeight + TypoWeight must be positive", "Memory");
        }

        Weight(Bm25K1, nameof(Bm25K1));
        if (!double.IsFinite(Bm25B) || Bm25B is < 0 or > 1)
        {
            throw new ArgumentException("must be between 0 and 1", "Memory." + nameof(Bm25B));
        }

        if (AbstainBelow is { } threshold && (!double.IsFinite(threshold) || threshold is < 0 or > 1))
        {
            throw new ArgumentException("must be between 0 and 1", "Memory." + nameof(AbstainBelow));
        }

        if (ChannelCandidates is < 1 or > 100_000 || RrfK is < 0 or > 100_000 || !Enum.IsDefined(Fusion))
        {
            throw new ArgumentException("ChannelCandidates must be 1..100000, RrfK 0..100000, Fusion Score or ReciprocalRank", "Memory");
        }
    }

    private static void Weight(double? value, string name)
    {
        if (value is { } set)
        {
            Weight(set, name);
        }
    }

    private static void Weight(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value > 10)
        {
            throw new ArgumentException("must be a finite number between 0 and 10", "Memory." + name);
        }
    }
}

using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// Configuration of each user's <see cref="MemoryActor"/>: search tuning and ranking weights. The embedder itself is
/// configured by the host options (<c>NixHumanityOptions.Embeddings</c>).
/// </summary>
public sealed class MemoryOptions
{
    /// <summary>Weight of cosine similarity in the ranking score (default 0.85).</summary>
    public double SimilarityWeight { get; set; } = 0.85;

    /// <summary>Weight of the success rate in the ranking score (default 0.15).</summary>
    public double SuccessRateWeight { get; set; } = 0.15;

    /// <summary>
    /// Weight of the learned preference (cosine between a memory's vector and the preference direction sent by the
    /// learner, plus its command affinity) added to the score (default 0.1; 0 ignores preferences).
    /// </summary>
    public double PreferenceWeight { get; set; } = 0.1;

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

        if (HnswThreshold < 1)
        {
            throw new ArgumentException("must be at least 1", "Memory." + nameof(HnswThreshold));
        }

        if (WarmCacheSize is < 1 or > 1_000)
        {
            throw new ArgumentException("must be between 1 and 1000", "Memory." + nameof(WarmCacheSize));
        }
    }

    /// <summary>The store tuning these options imply.</summary>
    public VectorMemoryStoreOptions ToStoreOptions() => new()
    {
        SimilarityWeight = SimilarityWeight,
        SuccessRateWeight = SuccessRateWeight,
        HnswThreshold = HnswThreshold,
    };

    private static void Weight(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value > 10)
        {
            throw new ArgumentException("must be a finite number between 0 and 10", "Memory." + name);
        }
    }
}

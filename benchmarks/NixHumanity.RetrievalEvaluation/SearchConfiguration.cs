using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// One way of searching the store, evaluated side by side with the others: a name for the report, the store
/// options it opens the store with, and the call it makes. The evaluation never ranks by itself: every row is
/// the store's own public search with the query's text and embedding, under some options.
/// </summary>
/// <param name="Name">Row name in the report.</param>
/// <param name="Explanation">What the row is, for the report's legend.</param>
/// <param name="Options">The options the store is opened with.</param>
/// <param name="Calibrated">True for the memory actor's defaults: the store is then opened with the options the memory
/// actor gives a store of that embedder's vectors (<see cref="MemoryOptions.ToStoreOptions(string?)"/>: the abstention
/// calibration belongs to the embedder), not with <paramref name="Options"/>.</param>
internal sealed record SearchConfiguration(string Name, string Explanation, VectorMemoryStoreOptions Options, bool Calibrated = false)
{
    /// <summary>Whether this configuration can abstain (say nothing remembered is relevant).</summary>
    public bool CanAbstain => Calibrated || Options.AbstainBelow > 0;

    /// <summary>The options a store holding vectors of the embedder <paramref name="embedderId"/> is opened with.</summary>
    public VectorMemoryStoreOptions OptionsFor(string embedderId) =>
        Calibrated ? new MemoryOptions().ToStoreOptions(embedderId) : Options;

    /// <summary>Searches <paramref name="store"/> for the query (its text and its embedding), best first.</summary>
    public static SearchAnswer Search(VectorMemoryStore store, string text, float[] vector, int k)
    {
        return SearchAnswer.Of(store.Search(new MemoryQuery(text, vector), k));
    }

    /// <summary>
    /// The configurations of the evaluation: the memory actor's defaults first (the only one that abstains: its
    /// threshold is calibrated for that fusion), then each channel alone (weight 0 turns a channel off) and
    /// equal-weight reciprocal-rank fusion.
    /// </summary>
    public static IReadOnlyList<SearchConfiguration> All()
    {
        var hybrid = new MemoryOptions().ToStoreOptions();
        var ranking = hybrid with { AbstainBelow = 0 };
        return
        [
            new("hybrid (default)", $"the memory actor's defaults (`MemoryOptions`): {hybrid.Fusion} fusion with channel weights chosen per embedder ({Weights()}); confidence and abstention threshold calibrated per embedder ({Calibrations()})", hybrid, Calibrated: true),
            new("dense only", "cosine of the embeddings alone (lexical and typo weights 0)", ranking with { DenseWeight = 1, LexicalWeight = 0, TypoWeight = 0 }),
            new("BM25 only", $"Okapi BM25 over the words of text and command alone (k1 {hybrid.Bm25K1:0.##}, b {hybrid.Bm25B:0.##}; dense and typo weights 0)", ranking with { DenseWeight = 0, LexicalWeight = 1, TypoWeight = 0 }),
            new("3-gram only", "BM25 over character 3-grams (the typo channel) alone", ranking with { DenseWeight = 0, LexicalWeight = 0, TypoWeight = 1 }),
            new("RRF dense + BM25", $"reciprocal-rank fusion (k {hybrid.RrfK}) of dense and BM25 with equal weights", ranking with { Fusion = FusionMode.ReciprocalRank, DenseWeight = 1, LexicalWeight = 1, TypoWeight = 0 }),
            new("RRF all three", $"reciprocal-rank fusion (k {hybrid.RrfK}) of dense, BM25 and 3-grams with equal weights", ranking with { Fusion = FusionMode.ReciprocalRank, DenseWeight = 1, LexicalWeight = 1, TypoWeight = 1 }),
        ];
    }

    private static string Weights() => string.Join("; ", new[]
    {
        ("n-gram", FusionWeights.NGram), ("all-MiniLM-L6-v2", FusionWeights.MiniLm), ("any other embedder", FusionWeights.Other),
    }.Select(w => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{w.Item1}: dense {w.Item2.Dense:0.###} / BM25 {w.Item2.Lexical:0.###} / 3-gram {w.Item2.Typo:0.###}")));

    private static string Calibrations() => string.Join("; ", new[]
    {
        ("n-gram", AbstentionCalibration.NGram), ("all-MiniLM-L6-v2", AbstentionCalibration.MiniLm), ("any other embedder", AbstentionCalibration.Uncalibrated),
    }.Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{c.Item1}: cosine share {c.Item2.DenseShare:0.##}, margin weight {c.Item2.MarginWeight:0.##}, abstains below {c.Item2.AbstainBelow:0.###}")));
}

/// <summary>What a search returned: the commands best first, and whether it abstained.</summary>
/// <param name="Commands">The returned memories' commands, best first.</param>
/// <param name="Abstained">True when the store said nothing remembered is relevant.</param>
/// <param name="BestConfidence">The highest confidence among the candidates, which the store compares with its threshold.</param>
internal sealed record SearchAnswer(IReadOnlyList<string> Commands, bool Abstained, double BestConfidence)
{
    /// <summary>What <paramref name="response"/> returned.</summary>
    public static SearchAnswer Of(MemorySearchResponse response) =>
        new(response.Results.Select(r => r.Command).ToList(), response.Abstained, response.BestConfidence);
}

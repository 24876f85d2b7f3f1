namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The channel weights (dense / BM25 over words / BM25 over 3-grams) a search fuses with by default, for one kind of
/// embedder. How much the dense channel deserves depends on how well the embedder's cosine tracks meaning: a sentence
/// encoder's is the best single channel on short requests, a hashed n-gram vector's is the weakest channel everywhere.
/// Chosen per embedder on the evaluation harness's weight sweep, by the rule of docs/retrieval.md ("How the weights
/// were chosen"); <see cref="MemoryOptions"/> weights set explicitly replace these.
/// </summary>
/// <param name="Dense">Weight of the cosine of the embeddings.</param>
/// <param name="Lexical">Weight of BM25 over the stemmed words of text and command.</param>
/// <param name="Typo">Weight of BM25 over character 3-grams.</param>
internal sealed record FusionWeights(double Dense, double Lexical, double Typo)
{
    /// <summary>all-MiniLM-L6-v2, the default embedder (second sweep, 2026-12-01; ADR 0026).</summary>
    public static FusionWeights MiniLm { get; } = new(0.45, 0.05, 0.5);

    /// <summary>The hashed n-gram embedder (<c>ngram-…</c>): the fallback and the fast tests' embedder (ADR 0037).</summary>
    public static FusionWeights NGram { get; } = new(0.05, 0, 0.95);

    /// <summary>
    /// Any other embedder (word vectors, another ONNX model): not measured, so the point of the grid whose worse margin
    /// over the best single channel, across the two measured embedders, is the largest (ADR 0037).
    /// </summary>
    public static FusionWeights Other { get; } = new(0.25, 0, 0.75);

    /// <summary>Every embedder kind's weights.</summary>
    public static IReadOnlyList<FusionWeights> All { get; } = [MiniLm, NGram, Other];

    /// <summary>The weights for a store of the embedder <paramref name="embedderId"/>'s vectors (null or unknown: <see cref="Other"/>).</summary>
    public static FusionWeights For(string? embedderId) => EmbedderFamilies.Of(embedderId) switch
    {
        EmbedderFamily.MiniLm => MiniLm,
        EmbedderFamily.NGram => NGram,
        _ => Other,
    };
}

/// <summary>The kinds of embedder the retrieval defaults are calibrated for.</summary>
internal enum EmbedderFamily
{
    /// <summary>Not measured: word vectors, another ONNX model, no embedder named.</summary>
    Other,

    /// <summary>all-MiniLM-L6-v2 (ids containing <c>all-MiniLM-L6-v2</c>).</summary>
    MiniLm,

    /// <summary>The hashed n-gram embedder (ids starting <c>ngram</c>).</summary>
    NGram,
}

/// <summary>Which <see cref="EmbedderFamily"/> an embedder id belongs to.</summary>
internal static class EmbedderFamilies
{
    /// <summary>The family of <paramref name="embedderId"/> (null: <see cref="EmbedderFamily.Other"/>).</summary>
    public static EmbedderFamily Of(string? embedderId) => embedderId switch
    {
        not null when embedderId.StartsWith("ngram", StringComparison.Ordinal) => EmbedderFamily.NGram,
        not null when embedderId.Contains(Embeddings.KnownModels.AllMiniLmL6V2, StringComparison.OrdinalIgnoreCase) => EmbedderFamily.MiniLm,
        _ => EmbedderFamily.Other,
    };
}

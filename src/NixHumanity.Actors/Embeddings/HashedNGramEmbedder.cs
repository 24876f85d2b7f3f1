using NixHumanity.Actors.Infrastructure;
namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// The built-in default embedder: deterministic, local, no model file. Each text becomes a signed feature-hashed
/// bag of word unigrams, word bigrams and character 3–5-grams (with word-boundary markers), L2-normalised.
/// </summary>
/// <remarks>
/// Why these features: unigrams make word order irrelevant ("firefox install please" ≈ "install firefox");
/// character n-grams make misspellings and split words land close ("instal fire fox" ≈ "install firefox"),
/// including n-grams that span the junction of two adjacent words ("fire fox" shares "ref", "efo" with "firefox");
/// bigrams reward matching phrases. Each word's character n-grams are weighted by 1/√count so a long word does
/// not outweigh a short one. Signed hashing (a hash bit picks +1/−1) keeps collisions unbiased in expectation.
/// The hash is FNV-1a (stable across processes), never <see cref="string.GetHashCode()"/>.
/// </remarks>
internal sealed class HashedNGramEmbedder : IEmbedder
{
    /// <summary>The identifier of version 1 of this feature scheme at 384 dimensions.</summary>
    public const string DefaultId = "ngram-v1";

    // Changing any of these constants, the stop words or the normaliser changes every vector: bump DefaultId
    // (and the pinned numbers in HashedNGramEmbedderPinTests) so stores re-embed instead of mixing schemes.
    private const float WordWeight = 1.0f;
    private const float BigramWeight = 0.5f;
    private const float CharWeight = 1.2f;
    private const float JunctionWeight = 0.5f;
    private const int MinGram = 3;
    private const int MaxGram = 5;

    /// <summary>Creates the embedder with 384 dimensions.</summary>
    public HashedNGramEmbedder()
        : this(384)
    {
    }

    /// <summary>Creates the embedder with a custom dimension count (used when combined with other embedders).</summary>
    /// <param name="dimensions">Number of hash buckets; at least 16.</param>
    public HashedNGramEmbedder(int dimensions)
    {
        if (dimensions < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "dimensions must be at least 16.");
        }

        Dimensions = dimensions;
        Id = dimensions == 384 ? DefaultId : $"{DefaultId}-d{dimensions}";
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[Dimensions];
        var words = TextNormalizer.ContentWords(text);
        for (var i = 0; i < words.Count; i++)
        {
            Add(vector, "w:" + words[i], WordWeight);
            AddCharGrams(vector, "<" + words[i] + ">", 0, int.MaxValue, CharWeight);
            if (i + 1 < words.Count)
            {
                Add(vector, "b:" + words[i] + " " + words[i + 1], BigramWeight);
                // Only the n-grams that cross the junction: the others were already added for each word alone.
                var joined = "<" + words[i] + words[i + 1] + ">";
                AddCharGrams(vector, joined, words[i].Length + 1, words[i].Length + 1, JunctionWeight);
            }
        }

        VectorMath.NormalizeInPlace(vector);
        return vector;
    }

    /// <inheritdoc />
    public float[][] EmbedBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            result[i] = Embed(texts[i]);
        }

        return result;
    }

    /// <summary>Nothing to release; present so every embedder can be disposed uniformly.</summary>
    public void Dispose()
    {
    }

    /// <summary>
    /// Adds the character n-grams of <paramref name="marked"/> that start before <paramref name="junction"/>
    /// and end after <paramref name="junctionEnd"/> (pass 0 and <see cref="int.MaxValue"/> for all of them).
    /// </summary>
    private void AddCharGrams(float[] vector, string marked, int junction, int junctionEnd, float totalWeight)
    {
        var grams = new List<string>();
        for (var n = MinGram; n <= MaxGram; n++)
        {
            for (var start = 0; start + n <= marked.Length; start++)
            {
                var spansJunction = junctionEnd == int.MaxValue || (start < junction && start + n > junctionEnd);
                if (spansJunction)
                {
                    grams.Add(marked.Substring(start, n));
                }
            }
        }

        if (grams.Count == 0)
        {
            return;
        }

        var weight = totalWeight / MathF.Sqrt(grams.Count);
        foreach (var gram in grams)
        {
            Add(vector, "c:" + gram, weight);
        }
    }

    private void Add(float[] vector, string feature, float weight)
    {
        var hash = StableHash.Fnv1a(feature);
        var bucket = (int)((hash >> 1) % (uint)vector.Length);
        vector[bucket] += (hash & 1) == 0 ? weight : -weight;
    }
}

using System.Globalization;
using Microsoft.Extensions.AI;

namespace NixHumanity.Sample;

/// <summary>
/// The host's own embedding generator, as small as one can be: every lower-cased word and its character 3-grams are
/// hashed (FNV-1a, the same in every process, unlike <see cref="string.GetHashCode()"/>) into 384 buckets. A real host
/// registers its model's generator here instead; the library embeds every memory and query with it.
/// </summary>
internal sealed class WordHashEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const int Dimensions = 384;
    private readonly EmbeddingGeneratorMetadata _metadata = new("sample", null, "word-hash-v1", Dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.ToLower(CultureInfo.InvariantCulture).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            vector[Bucket(word)] += 1f;
            for (var i = 0; i + 3 <= word.Length; i++)
            {
                vector[Bucket(word.Substring(i, 3))] += 0.5f;
            }
        }

        return vector;
    }

    private static int Bucket(string feature)
    {
        var hash = 2166136261u;
        foreach (var c in feature)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Dimensions);
    }
}

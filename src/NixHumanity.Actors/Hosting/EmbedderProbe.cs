using Microsoft.Extensions.AI;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Checks a host's embedding generator before the trees start: it must give one vector per text, all of one
/// dimension the store can hold, finite and not all zero, and the same vectors for the same texts (a per-process seeded hash would make every
/// stored memory unreachable after a restart).
/// </summary>
internal static class EmbedderProbe
{
    private static readonly string[] ProbeTexts = ["install firefox", "how do I roll back the last system generation?"];

    /// <summary>Probes <paramref name="generator"/> and returns its dimension.</summary>
    /// <param name="generator">The host's generator.</param>
    /// <param name="key">The configuration key to name in errors (e.g. <c>NixHumanity:Embeddings</c>).</param>
    /// <param name="cancellationToken">Stops the probe.</param>
    /// <exception cref="InvalidOperationException">The generator is unusable; the message says why and names <paramref name="key"/>.</exception>
    public static async Task<int> CheckAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string key, CancellationToken cancellationToken)
    {
        var first = await EmbedAsync(generator, key, cancellationToken).ConfigureAwait(false);
        var second = await EmbedAsync(generator, key, cancellationToken).ConfigureAwait(false);
        var dimensions = first[0].Length;
        if (first.Concat(second).Any(v => v.Length != dimensions))
        {
            throw Unusable(key, $"the embedding generator returned vectors of different dimensions ({string.Join(", ", first.Concat(second).Select(v => v.Length).Distinct())})");
        }

        if (first.Concat(second).FirstOrDefault(v => !v.All(float.IsFinite) || v.All(x => x == 0)) is { } bad)
        {
            // NaN or infinity poisons every dot product; a zero vector cannot be normalised: either makes search meaningless.
            throw Unusable(key, bad.All(float.IsFinite)
                ? "the embedding generator returned an all-zero vector"
                : "the embedding generator returned a vector with NaN or infinite values");
        }

        if (dimensions is < 1 or > QuantizedRows.MaxDimensions)
        {
            // The store takes the embedder's dimension (docs/adr/0032) up to the int8 scan's limit.
            throw Unusable(key, $"the embedding generator gives {dimensions}-dimensional vectors; the memory store holds 1 to {QuantizedRows.MaxDimensions}");
        }

        for (var i = 0; i < first.Length; i++)
        {
            if (!first[i].AsSpan().SequenceEqual(second[i]))
            {
                throw Unusable(key, $"the embedding generator is not deterministic: \"{ProbeTexts[i]}\" embedded twice gave different vectors");
            }
        }

        return dimensions;
    }

    private static async Task<float[][]> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string key, CancellationToken cancellationToken)
    {
        var embeddings = await generator.GenerateAsync(ProbeTexts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != ProbeTexts.Length)
        {
            throw Unusable(key, $"the embedding generator returned {embeddings.Count} vectors for {ProbeTexts.Length} texts");
        }

        return embeddings.Select(e => e.Vector.ToArray()).ToArray();
    }

    private static InvalidOperationException Unusable(string key, string why) => new($"{key}: {why}.");
}

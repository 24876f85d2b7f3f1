namespace NixHumanity.Actors.Embeddings;

/// <summary>Configuration of <see cref="WordVectorEmbedder"/>.</summary>
public sealed record WordVectorEmbedderOptions
{
    /// <summary>Path of the NHWV word-vector file (see <see cref="WordVectorFile"/>). Required.</summary>
    public required string VectorsPath { get; init; }

    /// <summary>Name recorded in <see cref="IEmbedder.Id"/>.</summary>
    public string Name { get; init; } = "wink-sg-100d";

    /// <summary>Optional expected sha256 of the file; when set, a different file is rejected.</summary>
    public string? ExpectedSha256 { get; init; }

    /// <summary>
    /// Share of the cosine similarity that comes from the word vectors (0..1); the rest comes from the hashed
    /// n-grams in the remaining dimensions. 0.5 (default) weighs meaning and spelling equally.
    /// </summary>
    public float WordVectorShare { get; init; } = 0.5f;

    /// <summary>SIF smoothing constant <c>a</c> in the word weight <c>a / (a + p(w))</c> (Arora et al. 2017 use 1e-3).</summary>
    public float SifA { get; init; } = 1e-3f;
}

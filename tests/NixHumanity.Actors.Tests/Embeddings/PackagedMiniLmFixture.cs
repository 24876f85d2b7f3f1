using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>The packaged all-MiniLM-L6-v2, loaded once for every spec class that shares this fixture.</summary>
public sealed class PackagedMiniLmFixture : IDisposable
{
    public PackagedMiniLmFixture() => Embedder = PackagedMiniLm.Load();

    public OnnxSentenceEmbedder Embedder { get; }

    public void Dispose() => Embedder.Dispose();
}

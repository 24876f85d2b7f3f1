using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>The packaged all-MiniLM-L6-v2, loaded once for every spec class of the <see cref="PackagedModelCollection"/>.</summary>
public sealed class PackagedMiniLmFixture : IDisposable
{
    public PackagedMiniLmFixture() => Embedder = PackagedMiniLm.Load();

    internal OnnxSentenceEmbedder Embedder { get; }

    public void Dispose() => Embedder.Dispose();
}

/// <summary>The spec classes that use the real model share one load of it.</summary>
[CollectionDefinition(Name)]
public sealed class PackagedModelCollection : ICollectionFixture<PackagedMiniLmFixture>
{
    public const string Name = "packaged model";
}

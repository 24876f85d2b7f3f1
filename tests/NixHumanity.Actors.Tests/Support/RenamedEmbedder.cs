using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>The n-gram embedder under another id, so the store sees a change of embedder.</summary>
internal sealed class RenamedEmbedder(string id) : IEmbedder
{
    private readonly HashedNGramEmbedder _inner = new();

    public string Id => id;

    public int Dimensions => _inner.Dimensions;

    public float[] Embed(string text) => _inner.Embed(text);

    public float[][] EmbedBatch(IReadOnlyList<string> texts) => _inner.EmbedBatch(texts);

    public void Dispose() => _inner.Dispose();
}

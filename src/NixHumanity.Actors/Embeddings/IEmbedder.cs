namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Turns text into an L2-normalised float32 vector of <see cref="Dimensions"/> components, so that the cosine
/// similarity of two texts is the dot product of their vectors.
/// </summary>
/// <remarks>
/// Implementations are deterministic: the same text and the same <see cref="Id"/> always give the same vector.
/// The store records <see cref="Id"/> with every vector; a different id means the memory must be re-embedded.
/// Implementations must be safe to call from several threads: one instance is created per actor system (an ONNX
/// session is expensive) and shared by every user's MemoryActor. The built-in ones are immutable after construction
/// (ONNX Runtime sessions are thread-safe).
/// </remarks>
public interface IEmbedder : IDisposable
{
    /// <summary>
    /// Stable identifier of the embedder, its model and its version (for example <c>ngram-v1</c> or
    /// <c>onnx:all-MiniLM-L6-v2:759c3cd2b7fe</c>). It changes whenever the vectors it produces would change.
    /// </summary>
    string Id { get; }

    /// <summary>Number of components of every vector (384 for all built-in embedders).</summary>
    int Dimensions { get; }

    /// <summary>
    /// Embeds one text. Callers reject empty text at the edge; embedders still return a finite vector for it
    /// (the lexical embedders return the zero vector, the ONNX embedder the model's vector of "[CLS] [SEP]").
    /// </summary>
    /// <param name="text">The text to embed.</param>
    /// <returns>A new array of <see cref="Dimensions"/> components with L2 norm 1 (or all zeros when the text has no usable feature).</returns>
    float[] Embed(string text);

    /// <summary>Embeds several texts; element <c>i</c> equals <c>Embed(texts[i])</c> up to float rounding.</summary>
    /// <param name="texts">The texts to embed.</param>
    /// <returns>One vector per text, in the same order.</returns>
    float[][] EmbedBatch(IReadOnlyList<string> texts);
}

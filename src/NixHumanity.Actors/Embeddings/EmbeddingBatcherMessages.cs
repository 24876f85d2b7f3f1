namespace NixHumanity.Actors.Embeddings;

/// <summary>Asks the <see cref="EmbeddingBatcher"/> for the vectors of <paramref name="Texts"/>; answered to the sender.</summary>
/// <param name="RequestId">Chosen by the sender, echoed in the answer (a stale answer is recognised by it).</param>
/// <param name="Texts">The texts, at least one.</param>
internal sealed record EmbedTexts(long RequestId, IReadOnlyList<string> Texts);

/// <summary>The vectors of an <see cref="EmbedTexts"/>, one per text, in order.</summary>
/// <param name="RequestId">The request's id.</param>
/// <param name="Vectors">The vectors; element <c>i</c> is the vector of text <c>i</c>.</param>
internal sealed record TextsEmbedded(long RequestId, IReadOnlyList<float[]> Vectors);

/// <summary>The model call that held an <see cref="EmbedTexts"/> failed; nothing was embedded, the sender may ask again.</summary>
/// <param name="RequestId">The request's id.</param>
/// <param name="Reason">The model's error message.</param>
internal sealed record EmbeddingFailed(long RequestId, string Reason);

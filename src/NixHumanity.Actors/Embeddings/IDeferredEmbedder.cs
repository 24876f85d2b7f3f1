namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// An embedder whose <see cref="IEmbedder.Id"/> and <see cref="IEmbedder.Dimensions"/> are known at once but whose model
/// is loaded later, once, on first use. <see cref="IEmbedder.Embed"/> and <see cref="IEmbedder.EmbedBatch"/> block
/// until it is loaded; an actor instead calls <see cref="LoadAsync"/> and embeds when the task has completed.
/// </summary>
internal interface IDeferredEmbedder : IEmbedder
{
    /// <summary>Whether the model is loaded (embedding will not wait).</summary>
    bool IsLoaded { get; }

    /// <summary>
    /// Starts loading the model in the background if nobody has yet, and returns the one load's task (the same task
    /// for every caller). A failed load stays failed: the model's bytes do not change while the process runs.
    /// </summary>
    /// <returns>Completes when the model is loaded; faults with the load's exception.</returns>
    Task LoadAsync();
}

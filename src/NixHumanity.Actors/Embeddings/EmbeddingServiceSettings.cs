namespace NixHumanity.Actors.Embeddings;

/// <summary>How the embedding service batches.</summary>
/// <param name="MaxBatchTexts">Texts embedded in one model call at most (a larger single request is embedded alone).</param>
/// <param name="Window">How long to collect requests before a call when the model is idle; zero: until the mailbox drains.</param>
internal sealed record EmbeddingServiceSettings(int MaxBatchTexts, TimeSpan Window)
{
    /// <summary>256 texts, no window (the model's own run time is the window while it is busy).</summary>
    public static readonly EmbeddingServiceSettings Default = new(256, TimeSpan.Zero);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting and the rule.</summary>
    public void Validate()
    {
        if (MaxBatchTexts is < 1 or > 100_000)
        {
            throw new ArgumentException("must be between 1 and 100000", $"{EmbeddingService.ConfigPath}.max-batch-texts");
        }

        if (Window < TimeSpan.Zero || Window > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException("must be between 0 and 10 s", $"{EmbeddingService.ConfigPath}.window");
        }
    }
}

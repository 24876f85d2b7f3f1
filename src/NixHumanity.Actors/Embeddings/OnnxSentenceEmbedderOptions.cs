namespace NixHumanity.Actors.Embeddings;

/// <summary>Configuration of <see cref="OnnxSentenceEmbedder"/>.</summary>
public sealed record OnnxSentenceEmbedderOptions
{
    /// <summary>Path of the ONNX model file (an all-MiniLM-L6-v2-shaped export). Required.</summary>
    public required string ModelPath { get; init; }

    /// <summary>
    /// Folder with the tokenizer's <c>vocab.txt</c>. <see langword="null"/>: the copy of
    /// <c>models/all-MiniLM-L6-v2</c> beside the binaries or in a parent folder (<see cref="ModelFiles.LocateModelFolder"/>).
    /// </summary>
    public string? TokenizerFolder { get; init; }

    /// <summary>
    /// Expected sha256 of the model file (64 hex characters), checked on every load. <see langword="null"/>: the
    /// file must be one of the published exports in <see cref="KnownModels.PublishedSha256"/>.
    /// </summary>
    public string? ExpectedSha256 { get; init; }

    /// <summary>
    /// Opt-in first-use download: when set and <see cref="ModelPath"/> does not exist, the file is downloaded
    /// from here and verified before use. <see langword="null"/> (default): never touch the network.
    /// </summary>
    public Uri? DownloadUrl { get; init; }

    /// <summary>Time limit of the opt-in download.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Name recorded in <see cref="IEmbedder.Id"/>.</summary>
    public string ModelName { get; init; } = KnownModels.AllMiniLmL6V2;

    /// <summary>Maximum tokens per text including [CLS] and [SEP] (all-MiniLM-L6-v2 was trained with 256).</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Texts per ONNX Runtime call in <see cref="IEmbedder.EmbedBatch"/>; bounds the padded tensor size.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin while waiting for work (its default). Off by default: on a machine
    /// whose cores are shared (the actors, other processes) a spinning thread burns the core the thread it waits for
    /// needs; measured 1.3–1.6× more texts/s without spinning under load, about the same when idle (docs/embedders.md).
    /// </summary>
    public bool AllowSpinning { get; init; }
}

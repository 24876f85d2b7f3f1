namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Wraps an expensive embedder (the packaged all-MiniLM-L6-v2, <see cref="PackagedMiniLm"/>) so that creating it costs
/// nothing: <see cref="Id"/> and <see cref="Dimensions"/> are given up front (derived from the pinned model hash), and
/// the model is loaded once, on a thread-pool thread, by the first <see cref="LoadAsync"/> or embedding call. Concurrent
/// first uses share that one load.
/// </summary>
/// <remarks>
/// The loaded embedder must have exactly the promised id and dimensions; otherwise the load fails (vectors stored under
/// the promised id would silently come from another model). Disposing the wrapper disposes the loaded embedder, also
/// when the load finishes after the disposal.
/// </remarks>
internal sealed class DeferredEmbedder : IDeferredEmbedder
{
    private readonly Func<IEmbedder> _load;
    private readonly Lazy<Task<IEmbedder>> _loaded;
    private volatile bool _disposed;

    /// <summary>Creates the wrapper; nothing is loaded yet.</summary>
    /// <param name="id">The id the loaded embedder will have.</param>
    /// <param name="dimensions">The dimensions the loaded embedder will have.</param>
    /// <param name="load">Loads the embedder (called at most once, on a thread-pool thread).</param>
    public DeferredEmbedder(string id, int dimensions, Func<IEmbedder> load)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentNullException.ThrowIfNull(load);
        Id = id;
        Dimensions = dimensions;
        _load = load;
        _loaded = new Lazy<Task<IEmbedder>>(() => Task.Run(LoadChecked), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The packaged all-MiniLM-L6-v2, loaded on first use from <paramref name="assemblyPath"/>.</summary>
    /// <param name="assemblyPath">The package's assembly (default beside the binaries).</param>
    /// <param name="tuning">Batch size, token limit and threads of the ONNX embedder.</param>
    /// <returns>The deferred embedder; nothing is read yet.</returns>
    public static DeferredEmbedder PackagedMiniLm(string? assemblyPath = null, OnnxSentenceEmbedderOptions? tuning = null) =>
        new(Embeddings.PackagedMiniLm.EmbedderId, Embeddings.PackagedMiniLm.Dimensions, () => Embeddings.PackagedMiniLm.Load(assemblyPath, tuning));

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public bool IsLoaded => _loaded.IsValueCreated && _loaded.Value.IsCompletedSuccessfully;

    /// <summary>The loaded embedder, for benchmarks that need the ONNX session itself (waits for the load).</summary>
    internal IEmbedder Loaded => _loaded.Value.GetAwaiter().GetResult();

    /// <inheritdoc />
    public Task LoadAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _loaded.Value;
    }

    /// <inheritdoc />
    public float[] Embed(string text) => Loaded.Embed(text);

    /// <inheritdoc />
    public float[][] EmbedBatch(IReadOnlyList<string> texts) => Loaded.EmbedBatch(texts);

    /// <summary>Disposes the loaded embedder (now, or when a load in flight completes).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_loaded.IsValueCreated)
        {
            // Not awaited: the process may stop while a load is in flight; the continuation releases it if it finishes.
            _loaded.Value.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private IEmbedder LoadChecked()
    {
        var embedder = _load();
        if (embedder.Id != Id || embedder.Dimensions != Dimensions)
        {
            var actual = $"{embedder.Id} ({embedder.Dimensions} dimensions)";
            embedder.Dispose();
            throw new InvalidDataException($"The loaded embedder is {actual}, but {Id} ({Dimensions} dimensions) was promised.");
        }

        return embedder;
    }
}

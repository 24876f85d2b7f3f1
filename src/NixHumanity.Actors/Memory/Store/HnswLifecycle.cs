namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// When the HNSW graph over the live memories is built, kept current, swapped in and thrown away. The build runs on
/// the thread pool from a snapshot of the exact matrix and never touches DuckDB; the owner swaps the finished graph
/// in during a later call. Not thread-safe, like the store.
/// </summary>
internal sealed class HnswLifecycle(LiveMemories live, VectorMemoryStoreOptions options) : IDisposable
{
    // Up to this many changed rows are added to a ready graph on the owner's thread; more are cheaper to rebuild.
    private const int IncrementalLimit = 2048;

    private HnswIndex? _index;
    private Task<HnswIndex>? _build;
    private CancellationTokenSource? _cancel;
    private HashSet<int>? _dirtyDuringBuild;

    /// <summary>The error of the last failed build, if any (searches then stay exact).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The graph when it is ready, after swapping in a build that has completed meanwhile; otherwise null.</summary>
    public HnswIndex? Ready
    {
        get
        {
            Poll();
            return _index;
        }
    }

    /// <summary>
    /// Keeps the graph in step with changed rows: small changes go into a ready graph, larger ones drop it for a
    /// rebuild, changes during a build are remembered for when it is swapped in, and a collection that reached the
    /// threshold starts its first build.
    /// </summary>
    public void AfterRowsChanged(List<int> changed)
    {
        if (_index is not null)
        {
            if (changed.Count <= IncrementalLimit)
            {
                _index.Upsert(changed, live.Matrix);
                return;
            }

            // A large batch is cheaper to index with a parallel rebuild than one add at a time on this thread.
            Drop();
        }

        if (_build is not null)
        {
            _dirtyDuringBuild!.UnionWith(changed);
            return;
        }

        if (live.Count >= options.HnswThreshold)
        {
            StartBuild();
        }
    }

    /// <summary>Forgets the graph and cancels a running build.</summary>
    public void Drop()
    {
        if (_build is { } build)
        {
            _cancel?.Cancel();
            try
            {
                build.Wait();
                build.Result.Dispose();
            }
            catch (AggregateException)
            {
                // Cancelled or failed: nothing to keep.
            }

            _cancel?.Dispose();
        }

        _build = null;
        _cancel = null;
        _dirtyDuringBuild = null;
        _index?.Dispose();
        _index = null;
    }

    /// <summary>
    /// Blocks until a pending build is swapped in or <paramref name="timeout"/> passes. Returns whether the graph is
    /// ready; false when no build was needed or it did not finish in time.
    /// </summary>
    public bool WaitUntilReady(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Poll();
            if (_index is not null)
            {
                return true;
            }

            var build = _build;
            var remaining = deadline - DateTime.UtcNow;
            if (build is null || remaining <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                build.Wait(remaining);
            }
            catch (AggregateException)
            {
                // Poll records the failure and falls back to exact search.
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => Drop();

    private void StartBuild()
    {
        var data = live.Matrix.Data;
        var rows = live.Matrix.Count;
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        _dirtyDuringBuild = [];
        _build = Task.Run(() => HnswIndex.Build(data, rows, VectorMemoryStore.Dimensions, options, token), token);
    }

    private void Poll()
    {
        var build = _build;
        if (build is null || !build.IsCompleted)
        {
            return;
        }

        _build = null;
        _cancel?.Dispose();
        _cancel = null;
        var dirty = _dirtyDuringBuild!;
        _dirtyDuringBuild = null;
        if (!build.IsCompletedSuccessfully)
        {
            LastError = build.Exception?.GetBaseException();
            return;
        }

        var index = build.Result;
        for (var ord = index.Rows; ord < live.Matrix.Count; ord++)
        {
            dirty.Add(ord);
        }

        if (dirty.Count > Math.Max(IncrementalLimit, index.Rows / 10))
        {
            // Too much changed while building: start over in the background rather than catch up on this thread.
            index.Dispose();
            if (live.Count >= options.HnswThreshold)
            {
                StartBuild();
            }

            return;
        }

        index.Upsert(dirty, live.Matrix);
        _index = index;
    }

}

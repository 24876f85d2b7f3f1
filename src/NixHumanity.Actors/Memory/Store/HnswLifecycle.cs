namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// When the HNSW graph over the live memories is built, kept current, swapped in and thrown away. The build runs on
/// the thread pool from a snapshot of the exact matrix and never touches DuckDB; the owner's thread only ever looks
/// at whether the build task has completed, so no call blocks on it except <see cref="WaitUntilReady"/> (an explicit
/// wait for benchmarks and tests) and <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// A build that is no longer wanted (the embedder changed, the store closes) is cancelled and left to finish in the
/// background: a continuation releases its native index. Waiting for it instead would stall the owning actor until
/// USearch notices the cancellation. <see cref="Dispose"/> is the one place that waits, so that no native index
/// outlives the store. Not thread-safe, like the store.
/// </remarks>
internal sealed class HnswLifecycle(LiveMemories live, VectorMemoryStoreOptions options) : IDisposable
{
    // Up to this many changed rows are added to a ready graph on the owner's thread; more are cheaper to rebuild.
    private const int IncrementalLimit = 2048;

    private readonly List<Task> _abandoned = [];
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

    /// <summary>Forgets the graph and cancels a running build without waiting for it.</summary>
    public void Drop()
    {
        if (_build is { } build)
        {
            _cancel!.Cancel();
            Abandon(build, _cancel);
        }

        _build = null;
        _cancel = null;
        _dirtyDuringBuild = null;
        _index?.Dispose();
        _index = null;
    }

    /// <summary>
    /// Blocks until a pending build is swapped in or <paramref name="timeout"/> (measured by <paramref name="clock"/>)
    /// passes. Returns whether the graph is ready; false when no build was needed or it did not finish in time.
    /// </summary>
    public bool WaitUntilReady(TimeSpan timeout, TimeProvider clock)
    {
        using var stop = new CancellationTokenSource();
        // Waiting on the build task and on a timer task needs no deadline arithmetic and no clock polling.
        var timedOut = Task.Delay(timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan ? TimeSpan.Zero : timeout, clock, stop.Token);
        try
        {
            while (true)
            {
                Poll();
                if (_index is not null)
                {
                    return true;
                }

                if (_build is not { } build || timedOut.IsCompleted)
                {
                    return false;
                }

                // A failed build completes the task too; Poll records its error and searches stay exact.
                Task.WaitAny(build, timedOut);
            }
        }
        finally
        {
            stop.Cancel();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Drop();
        Task.WaitAll(_abandoned);
        _abandoned.Clear();
    }

    private void StartBuild()
    {
        var data = live.Matrix.Data;
        var rows = live.Matrix.Count;
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        _dirtyDuringBuild = [];
        _build = Task.Run(() => HnswIndex.Build(data, rows, live.Matrix.Dimensions, options, token), token);
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

        // Completed, so reading the result does not block.
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

    private void Abandon(Task<HnswIndex> build, CancellationTokenSource cancel)
    {
        _abandoned.RemoveAll(t => t.IsCompleted);
        _abandoned.Add(build.ContinueWith(
            static (finished, state) =>
            {
                ((CancellationTokenSource)state!).Dispose();
                if (finished.IsCompletedSuccessfully)
                {
                    finished.Result.Dispose();
                }
            },
            cancel,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default));
    }
}

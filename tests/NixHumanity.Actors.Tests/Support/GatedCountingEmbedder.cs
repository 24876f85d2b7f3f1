using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// The n-gram embedder, counting its batch calls and their sizes, able to hold the next call open until released
/// (the service's thread blocks in it, as in a long model run) and to fail the next calls.
/// </summary>
internal sealed class GatedCountingEmbedder : IEmbedder
{
    private readonly HashedNGramEmbedder _inner = new();
    private readonly Lock _lock = new();
    private readonly List<int> _batchSizes = [];
    private readonly List<string> _threads = [];
    private ManualResetEventSlim? _gate;
    private ManualResetEventSlim? _running;
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failures;

    public string Id => _inner.Id;

    public int Dimensions => _inner.Dimensions;

    /// <summary>Batch calls so far (failed ones included).</summary>
    public int Calls
    {
        get
        {
            lock (_lock)
            {
                return _batchSizes.Count;
            }
        }
    }

    /// <summary>The number of texts of each batch call, in order.</summary>
    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_lock)
            {
                return _batchSizes.ToList();
            }
        }
    }

    /// <summary>The name of the thread of each batch call, in order.</summary>
    public IReadOnlyList<string> Threads
    {
        get
        {
            lock (_lock)
            {
                return _threads.ToList();
            }
        }
    }

    /// <summary>
    /// Completes when the call held by <see cref="HoldNextCall"/> has started; fails after a generous 30 s when it has
    /// not (nothing asked the model), so a spec whose events were never applied fails instead of waiting forever.
    /// </summary>
    public Task HeldCallStarted => WhenStarted(_started.Task);

    private static async Task WhenStarted(Task started)
    {
        try
        {
            await started.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                "the held model call did not start within 30 s: nothing asked the model (were the events applied? a projection's live-apply window waits on the virtual scheduler)");
        }
    }

    /// <summary>The next batch call blocks until <see cref="Release"/>.</summary>
    public void HoldNextCall()
    {
        lock (_lock)
        {
            _gate = new ManualResetEventSlim(false);
            _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets the held call go on.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _gate?.Set();
            _running?.Set();
        }
    }

    /// <summary>The next <paramref name="calls"/> batch calls throw.</summary>
    public void FailNext(int calls)
    {
        lock (_lock)
        {
            _failures = calls;
        }
    }

    public float[] Embed(string text) => _inner.Embed(text);

    public float[][] EmbedBatch(IReadOnlyList<string> texts)
    {
        ManualResetEventSlim? gate;
        TaskCompletionSource started;
        bool fail;
        lock (_lock)
        {
            _batchSizes.Add(texts.Count);
            _threads.Add(Thread.CurrentThread.Name ?? "");
            gate = _gate;
            _running = gate ?? _running;
            _gate = null;
            started = _started;
            fail = _failures > 0;
            if (fail)
            {
                _failures--;
            }
        }

        if (gate is not null)
        {
            started.TrySetResult();
            gate.Wait();
        }

        if (fail)
        {
            throw new InvalidOperationException("the model failed (spec)");
        }

        return _inner.EmbedBatch(texts);
    }

    public void Dispose()
    {
        Release();
        _inner.Dispose();
    }
}

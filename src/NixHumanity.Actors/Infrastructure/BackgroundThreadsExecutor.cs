using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Dispatch;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// An Akka executor of a fixed number of dedicated threads, each at a lower OS priority (a higher nice value) than the
/// rest of the process: <c>executor = "NixHumanity.Actors.Infrastructure.BackgroundThreadsExecutor, NixHumanity.Actors"</c>
/// in a <c>type = Dispatcher</c> section, with <c>background-threads { thread-count = 2, nice = 10 }</c>.
/// </summary>
/// <remarks>
/// For the store dispatcher (<c>hocon/akka.conf</c>): the memories and learners apply an event after it was acknowledged
/// (an embedding, DuckDB writes, the likely-next cache), and on a machine with two cores that work competed with the
/// next request: a forwarded call right after a record took 156 ms p50 against 141 ms once the owner had settled
/// (docs/benchmarks.md, "Forwarded right after a record"). The sessions, the journal and the socket keep the normal
/// priority, so the next acknowledgement, the next answer and a client's own start-up come first; the projections
/// still get every core the foreground leaves idle, and a little of the rest (the kernel's weight for nice 10 is about a
/// tenth of nice 0's), so a busy foreground slows them but never stops them. A request to a projection waits for it as
/// before. The priority is a per-thread nice value (Linux <c>setpriority</c> on the thread id); .NET's
/// <see cref="Thread.Priority"/> has no effect on Linux. Elsewhere, or if the call is refused, the threads run at normal
/// priority.
/// </remarks>
internal sealed class BackgroundThreadsExecutor : ExecutorServiceConfigurator
{
    private readonly int _threadCount;
    private readonly int _nice;

    /// <summary>Called by Akka with the dispatcher's section.</summary>
    /// <param name="config">The dispatcher's HOCON section.</param>
    /// <param name="prerequisites">The actor system's dispatcher prerequisites.</param>
    public BackgroundThreadsExecutor(Config config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites)
    {
        _threadCount = config.GetInt("background-threads.thread-count", 2);
        _nice = config.GetInt("background-threads.nice", 10);
        if (_threadCount < 1)
        {
            throw new ConfigurationException($"background-threads.thread-count: must be at least 1, was {_threadCount}");
        }

        if (_nice is < 0 or > 19)
        {
            throw new ConfigurationException($"background-threads.nice: must be from 0 to 19, was {_nice}");
        }
    }

    /// <inheritdoc />
    public override ExecutorService Produce(string id) => new Threads(id, _threadCount, _nice);

    /// <summary>The threads and their shared queue; a runnable is taken by whichever thread is free first.</summary>
    private sealed class Threads : ExecutorService
    {
        private readonly BlockingCollection<IRunnable> _queue = new(new ConcurrentQueue<IRunnable>());

        public Threads(string id, int threadCount, int nice)
            : base(id)
        {
            for (var i = 0; i < threadCount; i++)
            {
                // Background, as Akka's own dedicated threads: they never keep a stopping process alive.
                new Thread(() => Work(nice)) { IsBackground = true, Name = $"{id}_{i + 1}" }.Start();
            }
        }

        public override void Execute(IRunnable run) => _queue.Add(run);

        public override void Shutdown() => _queue.CompleteAdding();

        private void Work(int nice)
        {
            ThreadNice.Lower(nice);
            foreach (var run in _queue.GetConsumingEnumerable())
            {
                // An actor's failure is handled by its mailbox and supervisor; like the default dispatcher's thread pool,
                // nothing else is expected to throw here.
                run.Run();
            }
        }
    }
}

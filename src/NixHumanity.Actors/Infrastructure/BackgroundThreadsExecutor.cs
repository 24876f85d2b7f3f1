using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Akka.Configuration;
using Akka.Dispatch;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The executor of <c>nixh.store-dispatcher</c> (<c>hocon/akka.conf</c>): <c>dedicated-thread-pool.thread-count</c>
/// threads of its own, as Akka's fork-join executor has, that run at a lower scheduling priority than the rest of the
/// process: on Linux each adds <c>thread-nice</c> to its nice value (at most 19; 0 leaves it as it is).
/// </summary>
/// <remarks>
/// Why: the memories and learners applying an event (tens of milliseconds of DuckDB and Parquet work) ran at the same
/// priority as the session, the journal and the serve listener, so an acknowledgement asked right after another one
/// queued behind that work on the machine's cores at every thread hop of its way (ADR 0050). At a lower priority the
/// scheduler lets the acknowledgement's short steps go first; the projections still get every core nothing else
/// wants, and their work is unchanged. Threads DuckDB starts from these threads inherit their priority.
/// </remarks>
/// <param name="config">The dispatcher's configuration.</param>
/// <param name="prerequisites">Akka's dispatcher prerequisites.</param>
internal sealed class BackgroundThreadsExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    /// <inheritdoc />
    public override ExecutorService Produce(string id) => new BackgroundThreadsExecutor(
        id,
        Math.Max(1, Config.GetInt("dedicated-thread-pool.thread-count", Environment.ProcessorCount)),
        Config.GetInt("thread-nice", 0));
}

/// <summary>A fixed set of dedicated threads taking Akka's mailboxes from one queue, at a lowered priority.</summary>
internal sealed partial class BackgroundThreadsExecutor : ExecutorService
{
    // setpriority(PRIO_PROCESS, tid, n) sets one thread's nice value on Linux (each thread is a task of its own there);
    // raising it needs no privilege. .NET's Thread.Priority does nothing for ordinary threads on Linux.
    private const int PrioProcess = 0;
    private const int LowestPriority = 19;

    private readonly BlockingCollection<IRunnable> _queue = new(new ConcurrentQueue<IRunnable>());

    /// <summary>Starts <paramref name="threadCount"/> threads, each adding <paramref name="nice"/> to its nice value.</summary>
    public BackgroundThreadsExecutor(string id, int threadCount, int nice)
        : base(id)
    {
        for (var i = 1; i <= threadCount; i++)
        {
            new Thread(() => Work(nice)) { IsBackground = true, Name = $"{id}-{i}" }.Start();
        }
    }

    /// <inheritdoc />
    public override void Execute(IRunnable run)
    {
        try
        {
            _queue.Add(run);
        }
        catch (InvalidOperationException ex)
        {
            // Added after Shutdown: Akka's dispatcher expects this exception for work it can no longer run.
            throw new RejectedExecutionException($"{Id} is shut down", ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>The threads finish what is queued and end.</remarks>
    public override void Shutdown() => _queue.CompleteAdding();

    private void Work(int nice)
    {
        if (nice > 0 && OperatingSystem.IsLinux())
        {
            LowerPriority(nice);
        }

        foreach (var run in _queue.GetConsumingEnumerable())
        {
            run.Run();
        }
    }

    /// <summary>
    /// Adds <paramref name="nice"/> to the calling thread's nice value. A failure leaves the thread as it was: the
    /// priority only decides who goes first, never what is done.
    /// </summary>
    private static void LowerPriority(int nice)
    {
        var thread = GetTid();
        var current = GetPriority(PrioProcess, thread);
        if (current == -1 && Marshal.GetLastPInvokeError() != 0)
        {
            return;
        }

        _ = SetPriority(PrioProcess, thread, Math.Min(LowestPriority, current + nice));
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Users;

/// <summary>
/// The store threads' dispatcher (<c>nixh.store-dispatcher</c>, docs/adr/0056): like Akka's <c>ForkJoinDispatcher</c>, a
/// fixed number of dedicated threads taking turns among the actors that have messages, except that an actor sent a
/// request (a search, a status, a query: anything for the memory or the learner but a live event) gets its next turn
/// before actors that only have live events or self-sent work waiting.
/// </summary>
/// <remarks>
/// <para>
/// Why: the node's memories and learners share two store threads. While a hundred people record, each of their
/// projections is scheduled again and again with a batch to apply, and a turn round of all of them took seconds; a
/// search (or a status that has to count a pending event) waited for that whole round before its actor ran, although
/// the actor had only a few events of its own to apply first.
/// </para>
/// <para>
/// Nothing changes inside an actor: its mailbox keeps its order, so the request is still handled after every event
/// queued before it (read-your-writes), within the same turn. Only the order in which actors get their turns changes.
/// Requests are a small share of the messages, so the actors with only events still get the threads in the order they
/// asked for them, behind at most the requests.
/// </para>
/// </remarks>
internal sealed class RequestFirstDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly MessageDispatcher _instance;

    /// <summary>Created by Akka from the dispatcher's configuration (<c>hocon/akka.conf</c>).</summary>
    /// <param name="config">The dispatcher's configuration: <c>throughput</c>, <c>dedicated-thread-pool.thread-count</c>.</param>
    /// <param name="prerequisites">The actor system's prerequisites.</param>
    public RequestFirstDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites)
    {
        var threads = Config.GetInt("dedicated-thread-pool.thread-count", Environment.ProcessorCount);
        if (threads < 1)
        {
            throw new ConfigurationException($"{Config.GetString("id")}: dedicated-thread-pool.thread-count must be at least 1");
        }

        var deadline = Config.GetTimeSpan("throughput-deadline-time", null);
        _instance = new RequestFirstDispatcher(
            this,
            Config.GetString("id"),
            Config.GetInt("throughput"),
            deadline.Ticks > 0 ? deadline.Ticks : null,
            new RequestFirstExecutorFactory(threads),
            Config.GetTimeSpan("shutdown-timeout", TimeSpan.FromSeconds(1)));
    }

    /// <inheritdoc />
    public override MessageDispatcher Dispatcher() => _instance;

    /// <summary>Whether <paramref name="message"/> is a request that earns its actor the next free turn.</summary>
    /// <param name="message">A user message sent to an actor of the dispatcher.</param>
    internal static bool IsRequest(object message) =>
        message is IProgressRequest || (message is IMemoryMessage or ILearnerMessage && message is not SessionEventPublished);

    private sealed class RequestFirstDispatcher(
        MessageDispatcherConfigurator configurator, string id, int throughput, long? deadline, RequestFirstExecutorFactory executors, TimeSpan shutdownTimeout)
        : Dispatcher(configurator, id, throughput, deadline, executors, shutdownTimeout)
    {
        public override void Dispatch(ActorCell cell, Envelope envelope)
        {
            var mailbox = cell.Mailbox;
            if (mailbox is not null && IsRequest(envelope.Message))
            {
                // Before the message is queued: a mailbox scheduled by this very dispatch goes straight to the front.
                executors.Current?.Promote(mailbox);
            }

            base.Dispatch(cell, envelope);
        }
    }

    private sealed class RequestFirstExecutorFactory(int threads) : ExecutorServiceFactory
    {
        /// <summary>The executor produced last (a dispatcher shut down and started again produces a new one).</summary>
        public RequestFirstExecutor? Current { get; private set; }

        public override ExecutorService Produce(string id) => Current = new RequestFirstExecutor(id, threads);
    }
}

/// <summary>
/// Dedicated threads running scheduled mailboxes (and any other <see cref="IRunnable"/>) first in, first out, except
/// that a mailbox promoted (<see cref="Promote"/>) runs before the others waiting.
/// </summary>
internal sealed class RequestFirstExecutor : ExecutorService
{
    private static readonly object Promoted = new();
    private readonly ConcurrentQueue<Turn> _first = new();
    private readonly ConcurrentQueue<Turn> _inOrder = new();
    // The turn each scheduled runnable waits for (a runnable is scheduled at most once at a time: Akka's mailbox status).
    private readonly ConcurrentDictionary<IRunnable, Turn> _waiting = new(ReferenceEqualityComparer.Instance);
    // Mailboxes promoted while not waiting (running, or about to be scheduled): their next turn goes first. Weak keys:
    // a mailbox promoted while it ran and never scheduled again (its actor stopped, its mailbox closed) is forgotten
    // with its actor instead of being kept, and the actor with it, for the executor's lifetime.
    private readonly ConditionalWeakTable<IRunnable, object> _promoted = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly Thread[] _threads;
    private volatile bool _stopping;
    private long _promotions;

    /// <summary>Starts <paramref name="threads"/> background threads named after <paramref name="id"/>.</summary>
    /// <param name="id">The dispatcher's id.</param>
    /// <param name="threads">How many threads run turns.</param>
    public RequestFirstExecutor(string id, int threads)
        : base(id)
    {
        _threads = Enumerable.Range(0, threads).Select(i => new Thread(Work) { IsBackground = true, Name = $"{id}-{i}" }).ToArray();
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Turns that went ahead of others because of a request (diagnostics and specs).</summary>
    public long Promotions => Interlocked.Read(ref _promotions);

    /// <summary>Mailboxes promoted while not waiting whose next turn has not come yet (diagnostics and specs).</summary>
    internal int PromotedNotScheduled => _promoted.Count();

    /// <inheritdoc />
    public override void Execute(IRunnable run)
    {
        if (_stopping)
        {
            throw new RejectedExecutionException($"{Id} is shutting down");
        }

        var turn = new Turn(run);
        _waiting[run] = turn;
        if (_promoted.Remove(run))
        {
            _first.Enqueue(turn);
            Interlocked.Increment(ref _promotions);
        }
        else
        {
            _inOrder.Enqueue(turn);
        }

        _work.Release();
    }

    /// <summary>
    /// Moves <paramref name="run"/>'s waiting turn to the front; when it is not waiting (running, or not yet
    /// scheduled), its next turn goes to the front instead.
    /// </summary>
    /// <param name="run">The mailbox of an actor sent a request.</param>
    public void Promote(IRunnable run)
    {
        if (_waiting.TryGetValue(run, out var turn) && !turn.Taken)
        {
            // The same turn queued twice: whichever copy comes up first runs it, the other is skipped.
            _first.Enqueue(turn);
            Interlocked.Increment(ref _promotions);
            _work.Release();
            return;
        }

        _promoted.AddOrUpdate(run, Promoted);
    }

    /// <inheritdoc />
    public override void Shutdown()
    {
        _stopping = true;
        _work.Release(_threads.Length);
    }

    private void Work()
    {
        while (true)
        {
            _work.Wait();
            if (_stopping)
            {
                return;
            }

            if (!_first.TryDequeue(out var turn) && !_inOrder.TryDequeue(out turn))
            {
                continue;
            }

            if (!turn.Take())
            {
                continue;
            }

            _waiting.TryRemove(new KeyValuePair<IRunnable, Turn>(turn.Run, turn));
            try
            {
                turn.Run.Run();
            }
            catch (Exception)
            {
                // A mailbox handles its actor's failures itself; anything else scheduled here must not take the thread
                // down with it (Akka's own executors suppress such exceptions the same way).
            }
        }
    }

    /// <summary>One scheduling of a runnable; queued once in order and possibly once more in front, run once.</summary>
    private sealed class Turn(IRunnable run)
    {
        private int _taken;

        public IRunnable Run { get; } = run;

        public bool Taken => Volatile.Read(ref _taken) == 1;

        public bool Take() => Interlocked.Exchange(ref _taken, 1) == 0;
    }
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Akka's in-memory journal with a gate in front of its writes (<see cref="JournalGate"/>), so a spec can hold a
/// write and look at what the persistent actor does before it is durable.
/// </summary>
public sealed class GatedMemoryJournal : MemoryJournal
{
    /// <inheritdoc />
    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        await JournalGate.For(Context.System).PassAsync(writes);
        return await base.WriteMessagesAsync(writes, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Every recovery asks this; a closed recovery gate holds it (and fails it when the spec says so).</remarks>
    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        await JournalGate.For(Context.System).PassRecoveryAsync();
        return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }
}

/// <summary>The gate of one actor system's <see cref="GatedMemoryJournal"/>; open unless a spec closes it.</summary>
public sealed class JournalGate
{
    private static readonly ConditionalWeakTable<ActorSystem, JournalGate> Gates = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _open = Opened();
    private TaskCompletionSource<IReadOnlyList<IPersistentRepresentation>> _held = NewHeld();
    private Exception? _failNext;
    private TaskCompletionSource _recoveryOpen = Opened();
    private TaskCompletionSource _recoveryHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The gate of <paramref name="system"/>'s journal.</summary>
    public static JournalGate For(ActorSystem system) => Gates.GetValue(system, _ => new JournalGate());

    /// <summary>Completes with the events of the first write that arrives while the gate is closed.</summary>
    public Task<IReadOnlyList<IPersistentRepresentation>> WriteHeld
    {
        get
        {
            lock (_lock)
            {
                return _held.Task;
            }
        }
    }

    /// <summary>Holds every following write until <see cref="Open"/>.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _held = NewHeld();
        }
    }

    /// <summary>Lets held and following writes through.</summary>
    public void Open()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    /// <summary>The writes held so far fail with <paramref name="cause"/>; following writes pass.</summary>
    public void FailHeldWith(Exception cause)
    {
        lock (_lock)
        {
            var held = _open;
            _open = Opened();
            held.TrySetException(cause);
        }
    }

    /// <summary>The next write fails with <paramref name="cause"/> (as the database would on a full disk).</summary>
    public void FailNextWith(Exception cause)
    {
        lock (_lock)
        {
            _failNext = cause;
        }
    }

    /// <summary>Completes when a recovery has reached the closed recovery gate.</summary>
    public Task RecoveryHeld
    {
        get
        {
            lock (_lock)
            {
                return _recoveryHeld.Task;
            }
        }
    }

    /// <summary>Holds every following recovery (its read of the highest sequence number) until it is failed.</summary>
    public void CloseRecovery()
    {
        lock (_lock)
        {
            _recoveryOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _recoveryHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The recoveries held so far fail with <paramref name="cause"/>; following ones pass.</summary>
    public void FailHeldRecoveryWith(Exception cause)
    {
        lock (_lock)
        {
            var held = _recoveryOpen;
            _recoveryOpen = Opened();
            held.TrySetException(cause);
        }
    }

    internal Task PassRecoveryAsync()
    {
        lock (_lock)
        {
            if (!_recoveryOpen.Task.IsCompleted)
            {
                _recoveryHeld.TrySetResult();
            }

            return _recoveryOpen.Task;
        }
    }

    internal Task PassAsync(IReadOnlyList<AtomicWrite> writes)
    {
        lock (_lock)
        {
            if (_failNext is { } cause)
            {
                _failNext = null;
                return Task.FromException(cause);
            }

            if (!_open.Task.IsCompleted)
            {
                _held.TrySetResult(writes.SelectMany(w => (IImmutableList<IPersistentRepresentation>)w.Payload).ToList());
            }

            return _open.Task;
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }

    private static TaskCompletionSource<IReadOnlyList<IPersistentRepresentation>> NewHeld() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}

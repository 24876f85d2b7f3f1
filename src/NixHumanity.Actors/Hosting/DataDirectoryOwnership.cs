using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Holds the data directory's <see cref="DataDirectoryLock"/> for the host's lifetime and, once it holds it, prepares
/// the journal (<see cref="NixHumanityConfig.PrepareStorage"/>). Taken in
/// <see cref="StartingAsync"/>, which the host runs before any hosted service's <c>StartAsync</c>, so it is held
/// before anything opens the journal even when the host's own <c>AddAkka</c> (whose service starts the actor system)
/// was registered before these services; released in <see cref="StoppedAsync"/>, after the actor system has stopped
/// (by the process's exit when the process ends with the host, <c>ProjectionOptions.ProcessExitsAfterStop</c>).
/// A second process (or a second host in this one) fails to start with <see cref="DataDirectoryInUseException"/>.
/// </summary>
internal sealed class DataDirectoryOwnership(NixHumanityOptions options) : IHostedLifecycleService, IDisposable
{
    /// <summary>
    /// Locks of stopped hosts whose process ends after the stop, by the data directory's full path: held until the exit
    /// releases them, or taken over by a later host of this process on the same directory (which reuses the instances
    /// the stopped one left open).
    /// </summary>
    private static readonly Dictionary<string, DataDirectoryLock> _heldUntilExit = new(StringComparer.Ordinal);

    private static bool _exitHandlerAdded;

    private DataDirectoryLock? _lock;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_lock is null)
        {
            _lock = TakeHeldUntilExit() ?? DataDirectoryLock.Acquire(options.Data.Root);

            // Only now, as the owner: create the journal file and give it its identity (WithNixHumanity leaves it to us).
            NixHumanityConfig.PrepareStorage(options);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (options.Projections.ProcessExitsAfterStop && _lock is not null)
        {
            // The stopped node left its shared DuckDB instances open, its store files locked by this process until
            // it exits (docs/adr/0058): the directory stays owned until then too, so a process starting meanwhile is
            // told it is in use instead of finding its stores locked.
            lock (_heldUntilExit)
            {
                if (_heldUntilExit.Count == 0 && !_exitHandlerAdded)
                {
                    // The holder's name goes with the owner; the lock itself with the process's files, after its
                    // memory (the instances' store files are closed then too).
                    _exitHandlerAdded = true;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveHeldHolderNames();
                }

                _heldUntilExit[Path.GetFullPath(options.Data.Root)] = _lock;
            }

            _lock = null;
            return Task.CompletedTask;
        }

        Dispose();
        return Task.CompletedTask;
    }

    private static void RemoveHeldHolderNames()
    {
        lock (_heldUntilExit)
        {
            foreach (var held in _heldUntilExit.Values)
            {
                held.RemoveHolderName();
            }
        }
    }

    /// <summary>The lock a stopped host of this process kept on the same directory until the exit, if any.</summary>
    private DataDirectoryLock? TakeHeldUntilExit()
    {
        lock (_heldUntilExit)
        {
            return _heldUntilExit.Remove(Path.GetFullPath(options.Data.Root), out var held) ? held : null;
        }
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}

using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Holds the data directory's <see cref="DataDirectoryLock"/> for the host's lifetime and, once it holds it, prepares
/// the journal (<see cref="NixHumanityConfig.PrepareStorage"/>). Taken in
/// <see cref="StartingAsync"/>, which the host runs before any hosted service's <c>StartAsync</c>, so it is held
/// before anything opens the journal even when the host's own <c>AddAkka</c> (whose service starts the actor system)
/// was registered before these services; released in <see cref="StoppedAsync"/>, after the actor system has stopped.
/// A second process (or a second host in this one) fails to start with <see cref="DataDirectoryInUseException"/>.
/// </summary>
internal sealed class DataDirectoryOwnership(NixHumanityOptions options) : IHostedLifecycleService, IDisposable
{
    private DataDirectoryLock? _lock;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_lock is null)
        {
            _lock = DataDirectoryLock.Acquire(options.Data.Root);

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
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}

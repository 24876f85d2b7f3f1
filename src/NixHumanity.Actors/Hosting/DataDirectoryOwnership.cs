using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Holds the data directory's <see cref="DataDirectoryLock"/> for the host's lifetime. Registered before the actor
/// system, so it is taken before anything opens the journal and released after the actor system has stopped; a second
/// process (or a second host in this one) fails to start with <see cref="DataDirectoryInUseException"/>.
/// </summary>
internal sealed class DataDirectoryOwnership(NixHumanityOptions options) : IHostedService, IDisposable
{
    private DataDirectoryLock? _lock;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lock ??= DataDirectoryLock.Acquire(options.Data.Root);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
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

using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// With <see cref="NixHumanityOptions.Serve"/> (the default), the host answers the <c>nixh</c> verbs for the data
/// directory it owns on <c>&lt;data-dir&gt;/serve/nixh.sock</c>, exactly as <c>nixh serve</c> does (the same listener,
/// peer check and verb code). It listens once every hosted service has started (the actor system included) and stops
/// listening, letting requests in flight finish, before any of them stops. Serving is a convenience beside the
/// assistant's own work: when it cannot start (no <c>nixh.dll</c> in the process, a socket path too long) the host runs
/// on with a warning, and a <c>nixh</c> beside it is refused as before (exit 6).
/// </summary>
internal sealed class CommandLineServing(IServiceProvider services, NixHumanityOptions options) : IHostedLifecycleService, IAsyncDisposable, IDisposable
{
    private readonly ILogger _log = services.GetService<ILoggerFactory>()?.CreateLogger(LogCategories.Root + ".Hosting") ?? NullLogger.Instance;
    private ServeListener? _listener;

    /// <summary>The socket this host listens on, or <c>null</c> when it does not serve.</summary>
    public string? SocketPath => _listener?.SocketPath;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!options.Serve || _listener is not null)
        {
            return Task.CompletedTask;
        }

        if (ServedCommandLines.Find(services) is not { } commandLine)
        {
            _log.LogWarning(
                "Serve is on but nixh's command line (nixh.dll) cannot be loaded in this process, so nixh verbs beside it are refused (exit 6); " +
                "ship nixh.dll with the host, or set {Key} to false", services.GetRequiredService<NixHumanityRegistration>().SectionPath + ":Serve");
            return Task.CompletedTask;
        }

        try
        {
            _listener = ServeListener.Start(options.Data.Root, PeerCheck.ForThisUser(), commandLine.Serve(services));
            _log.LogInformation("Serving nixh for {DataDirectory} on {Socket}", options.Data.Root, _listener.SocketPath);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _log.LogWarning("Cannot serve nixh on {Socket} ({Reason}); nixh verbs beside this host are refused (exit 6)",
                ServePaths.Socket(options.Data.Root), ex.Message);
        }

        return Task.CompletedTask;
    }

    /// <summary>Before the actor system stops: no new requests, and those in flight finish (they are cancelled).</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _listener, null) is { } listener)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A container disposed synchronously (a host disposed without being stopped) still closes the socket.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Checks, once every hosted service has started, that the per-user trees really run in the host's actor system.
/// A host that calls <c>AddAkka</c> after <c>AddNixHumanity</c> replaces the system the trees were added to; without
/// this check every call of <see cref="NixHumanityClient"/> would wait for a directory that never comes.
/// </summary>
/// <param name="services">The host's services.</param>
internal sealed class NixHumanityStartupCheck(IServiceProvider services) : IHostedLifecycleService
{
    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var registry = services.GetService<ActorRegistry>();
        if (registry is null || !registry.TryGet<UserDirectory>(out _))
        {
            var name = services.GetService<Akka.Actor.ActorSystem>()?.Name ?? "(none)";
            throw new InvalidOperationException(
                $"NixHumanity's actors are not in the actor system '{name}': a later AddAkka replaced the one they were added to. " +
                "Call AddNixHumanity after AddAkka, or add .WithNixHumanity(provider) inside your AddAkka.");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Akka.Hosting;
using Microsoft.Extensions.AI;
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

    /// <summary>
    /// Before any hosted service starts (the actor system included): probes the host's embedding generator, if one
    /// is registered, so a wrong or non-deterministic one stops the start with a configuration error.
    /// </summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IEmbeddingGenerator<string, Embedding<float>>>() is { } generator)
        {
            var key = services.GetRequiredService<NixHumanityRegistration>().SectionPath + ":Embeddings";
            services.GetRequiredService<ProbedGenerator>().Dimensions = await EmbedderProbe.CheckAsync(generator, key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

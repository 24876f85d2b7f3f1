using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Health checks registered through Akka.Hosting's health-check API (they reach the host's
/// <c>services.AddHealthChecks()</c> with Akka.Hosting's <c>akka</c> tag and the tags below):
/// <list type="bullet">
/// <item><c>nixhumanity.actor-system</c> (<see cref="LiveTag"/>): the actor system is not terminated.</item>
/// <item><c>nixhumanity.journal</c> (<see cref="ReadyTag"/>): the journal database answers.</item>
/// <item><c>nixhumanity.stores</c> (<see cref="ReadyTag"/>): the user directory runs and the data directory exists.</item>
/// <item><c>nixhumanity.embedder</c> (<see cref="ReadyTag"/>): the embedder is loaded; degraded while a model waits for its first use.</item>
/// </list>
/// </summary>
public static class NixHumanityHealthChecks
{
    /// <summary>Tag of the liveness check.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag of the readiness checks.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Tag on every check of this library.</summary>
    public const string Tag = "nixhumanity";

    internal static AkkaConfigurationBuilder Add(AkkaConfigurationBuilder builder, NixHumanityOptions options) => builder
        .WithHealthCheck("nixhumanity.actor-system", (system, _, _) => Task.FromResult(system.WhenTerminated.IsCompleted
            ? HealthCheckResult.Unhealthy($"actor system '{system.Name}' is terminated")
            : HealthCheckResult.Healthy($"actor system '{system.Name}' runs")), HealthStatus.Unhealthy, [Tag, LiveTag])
        .WithHealthCheck("nixhumanity.journal",
            new JournalHealthCheck(options.JournalProvider, options.EffectiveConnectionString),
            HealthStatus.Unhealthy, [Tag, ReadyTag])
        .WithHealthCheck("nixhumanity.stores", (_, registry, _) => Task.FromResult(Stores(registry, options)), HealthStatus.Unhealthy, [Tag, ReadyTag])
        .WithHealthCheck("nixhumanity.embedder", (system, _, _) => Task.FromResult(Embedder(system)), HealthStatus.Degraded, [Tag, ReadyTag]);

    private static HealthCheckResult Stores(ActorRegistry registry, NixHumanityOptions options)
    {
        if (!registry.TryGet<UserDirectory>(out _))
        {
            return HealthCheckResult.Unhealthy("the user directory has not started");
        }

        return Directory.Exists(options.Data.Root)
            ? HealthCheckResult.Healthy($"data directory {options.Data.Root}")
            : HealthCheckResult.Unhealthy($"data directory {options.Data.Root} is missing");
    }

    private static HealthCheckResult Embedder(ActorSystem system) => SystemEmbedders.Of(system) switch
    {
        null => HealthCheckResult.Unhealthy("the embedder has not been created yet"),
        IDeferredEmbedder { IsLoaded: false } deferred => HealthCheckResult.Degraded(
            $"{deferred.Id} loads on first use (the first search waits for it); call NixHumanityClient.WarmUpAsync to load it now"),
        var embedder => HealthCheckResult.Healthy($"{embedder.Id}, {embedder.Dimensions} dimensions"),
    };
}

using System.Runtime.CompilerServices;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Hosting of the actor tree in a Microsoft.Extensions.Hosting generic host, through Akka.Hosting. Two ways in:
/// <list type="bullet">
/// <item><see cref="AddNixHumanity(IServiceCollection, Action{NixHumanityOptions}?)"/>: the one-liner. It starts an actor
/// system of its own, or, when the host has already called <c>AddAkka</c>, joins the host's.</item>
/// <item><see cref="AddNixHumanityServices(IServiceCollection, IConfiguration?, Action{NixHumanityOptions}?)"/> plus
/// <see cref="WithNixHumanity(AkkaConfigurationBuilder, IServiceProvider)"/> inside the host's own <c>AddAkka</c>.</item>
/// </list>
/// </summary>
public static class NixHumanityHostingExtensions
{
    /// <summary>The configuration section <see cref="AddNixHumanity(IServiceCollection, IConfiguration, Action{NixHumanityOptions}?)"/> is usually given.</summary>
    public const string DefaultSectionName = "NixHumanity";

    private static readonly ConditionalWeakTable<AkkaConfigurationBuilder, NixHumanityOptions> Joined = [];

    /// <summary>
    /// Adds the options, the <see cref="NixHumanityClient"/>, the health checks and the per-user actor trees. When
    /// the host has already called <c>AddAkka</c>, the trees join that actor system instead of replacing it. A host
    /// reaches them through the <see cref="NixHumanityClient"/> only (the actors are internal, ADR 0027).
    /// </summary>
    /// <exception cref="ArgumentException">An option is unusable; the message names it.</exception>
    public static IServiceCollection AddNixHumanity(this IServiceCollection services, Action<NixHumanityOptions>? configure = null)
    {
        // Code-configured options are checked right here, where the mistake is made.
        var probe = new NixHumanityOptions();
        configure?.Invoke(probe);
        probe.Validate();
        services.AddNixHumanityServices(null, configure);
        return AddActorSystem(services, probe.ActorSystemName);
    }

    /// <summary>
    /// Like <see cref="AddNixHumanity(IServiceCollection, Action{NixHumanityOptions}?)"/>, with the options bound from
    /// <paramref name="configuration"/> (e.g. <c>builder.Configuration.GetSection("NixHumanity")</c>) and then
    /// <paramref name="configure"/>. They are validated when the host starts; a bad or unknown key stops the start
    /// with a message naming it (e.g. <c>NixHumanity:SnapshotInterval</c>).
    /// </summary>
    public static IServiceCollection AddNixHumanity(this IServiceCollection services, IConfiguration configuration, Action<NixHumanityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddNixHumanityServices(configuration, configure);

        // Akka.Hosting needs the name now; the rest of the options are read when the system starts.
        var name = configuration[nameof(NixHumanityOptions.ActorSystemName)];
        if (configure is not null)
        {
            var probe = new NixHumanityOptions { ActorSystemName = name ?? new NixHumanityOptions().ActorSystemName };
            configure(probe);
            name = probe.ActorSystemName;
        }

        return AddActorSystem(services, name ?? new NixHumanityOptions().ActorSystemName);
    }

    /// <summary>
    /// Adds everything but the actors: <c>IOptions&lt;NixHumanityOptions&gt;</c> (bound from
    /// <paramref name="configuration"/> when given, then <paramref name="configure"/>; validated at start), the
    /// options themselves as a singleton, <see cref="TimeProvider"/> (unless registered), the
    /// <see cref="NixHumanityClient"/>, and a start-up check. Pair it with
    /// <see cref="WithNixHumanity(AkkaConfigurationBuilder, IServiceProvider)"/> in the host's own <c>AddAkka</c>.
    /// </summary>
    public static IServiceCollection AddNixHumanityServices(this IServiceCollection services, IConfiguration? configuration = null, Action<NixHumanityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        NixHumanityServices.Register(services, configuration, configure);
        return services;
    }

    /// <summary>
    /// Adds the per-user actor trees to the host's own actor system, with the options registered by
    /// <see cref="AddNixHumanityServices"/> (or <see cref="AddNixHumanity(IServiceCollection, Action{NixHumanityOptions}?)"/>):
    /// <c>services.AddAkka("assistant", (akka, sp) =&gt; akka.WithNixHumanity(sp).WithActors(...))</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The NixHumanity services were not registered.</exception>
    public static AkkaConfigurationBuilder WithNixHumanity(this AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var options = provider.GetService<NixHumanityRegistration>() is null
            ? throw new InvalidOperationException(
                "WithNixHumanity needs the NixHumanity services: call services.AddNixHumanityServices(...) (or AddNixHumanity(...)) when registering services.")
            : provider.GetRequiredService<NixHumanityOptions>();
        // The journal is prepared by DataDirectoryOwnership once the data directory's lock is held: this runs earlier,
        // when the host resolves its hosted services.
        return Compose(builder, options, provider.GetService<TimeProvider>(), provider.GetService<ILoggerFactory>(), () => HostEmbedder(provider), prepareStorage: false);
    }

    /// <summary>
    /// Adds the composed HOCON (<see cref="NixHumanityConfig.Compose"/>) under the typed persistence options, prepares
    /// the SQLite journal file, routes Akka's logs to Microsoft.Extensions.Logging (one category per area, see
    /// <see cref="LogCategories"/>), registers the health checks (<see cref="NixHumanityHealthChecks"/>) and starts the
    /// <see cref="UserDirectory"/> at <c>/user/users</c>, with <paramref name="options"/> as given (no dependency
    /// injection; <see cref="NixHumanityClient"/> is not registered by this overload).
    /// </summary>
    public static AkkaConfigurationBuilder WithNixHumanity(this AkkaConfigurationBuilder builder, NixHumanityOptions options, TimeProvider? clock = null) =>
        Compose(builder, options, clock, null, null, prepareStorage: true);

    private static AkkaConfigurationBuilder Compose(
        AkkaConfigurationBuilder builder, NixHumanityOptions options, TimeProvider? clock, ILoggerFactory? loggerFactory, Func<IEmbedder?>? hostEmbedder,
        bool prepareStorage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (Joined.TryGetValue(builder, out _))
        {
            // AddNixHumanity joined this builder already and the host's delegate calls WithNixHumanity too: one tree.
            return builder;
        }

        Joined.Add(builder, options);
        options.Validate();
        // The shared DuckDB instances are the process's; their limit is set before the first store opens (ADR 0040).
        Infrastructure.PerUserDuckDb.SharedInstanceMemoryLimitMegabytes = options.Projections.StoreMemoryLimitMegabytes;
        if (prepareStorage)
        {
            NixHumanityConfig.PrepareStorage(options);
        }

        builder
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<NixHumanityLogger>();
            })
            .AddHocon(NixHumanityConfig.Compose(options), HoconAddMode.Prepend);
        if (loggerFactory is not null)
        {
            // Akka drops events below its own level before they reach ILogger: let through what the host enabled.
            builder.AddHocon($"akka.loglevel = {LogCategories.AkkaLogLevel(loggerFactory)}", HoconAddMode.Prepend);
        }

        TypedPersistence.Apply(builder, options);
        NixHumanityHealthChecks.Add(builder, options);
        builder.WithActors((system, registry) =>
        {
            // Created here, once per actor system, so its fallback warning goes to the system's log.
            var embedder = hostEmbedder?.Invoke() ?? options.CreateEmbedder(reason => system.Log.Warning("{0}", reason));
            SystemEmbedders.Set(system, embedder);
            if (!options.Cluster.Enabled)
            {
                var directory = system.ActorOf(UserDirectory.Props(options.ToUserSettings(embedder), clock ?? TimeProvider.System), "users");
                registry.Register<UserDirectory>(directory);
            }
        });
        return options.Cluster.Enabled ? ClusterMode.Add(builder, options, clock ?? TimeProvider.System) : builder;
    }

    /// <summary>The host's embedding generator as the memory's embedder, when one is registered (probed at start).</summary>
    private static IEmbedder? HostEmbedder(IServiceProvider provider) =>
        provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>() is { } generator
            ? new GeneratorEmbedder(generator, provider.GetRequiredService<ProbedGenerator>().Dimensions
                ?? throw new InvalidOperationException("The embedding generator was not probed at start (NixHumanity's start-up check did not run)."))
            : null;

    private static IServiceCollection AddActorSystem(IServiceCollection services, string actorSystemName)
    {
        // A host that called AddAkka first keeps its actor system: the trees join it (see ComposedActorSystem).
        if (!ComposedActorSystem.TryJoin(services))
        {
            services.AddAkka(actorSystemName, (builder, provider) => builder.WithNixHumanity(provider));
        }

        return services;
    }
}

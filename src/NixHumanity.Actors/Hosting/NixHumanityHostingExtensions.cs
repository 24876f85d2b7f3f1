using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Hosting;

/// <summary>Hosting of the actor tree in a Microsoft.Extensions.Hosting generic host, through Akka.Hosting.</summary>
public static class NixHumanityHostingExtensions
{
    /// <summary>
    /// Adds the actor system with the per-user trees and a <see cref="NixHumanityClient"/> facade. The
    /// <see cref="UserDirectory"/> is also reachable as <c>IRequiredActor&lt;UserDirectory&gt;</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is unusable; the message names it.</exception>
    public static IServiceCollection AddNixHumanity(this IServiceCollection services, Action<NixHumanityOptions>? configure = null)
    {
        var options = new NixHumanityOptions();
        configure?.Invoke(options);
        options.Validate();

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NixHumanityClient>();
        services.AddHostedService<DataDirectoryOwnership>(); // before the actor system: one writer per data directory
        services.AddAkka(options.ActorSystemName, (builder, provider) =>
            builder.WithNixHumanity(options, provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Adds the composed HOCON (<see cref="NixHumanityConfig.Compose"/>), prepares the SQLite journal file, routes Akka's logs to Microsoft.Extensions.Logging and
    /// starts the <see cref="UserDirectory"/> at <c>/user/users</c>.
    /// </summary>
    public static AkkaConfigurationBuilder WithNixHumanity(this AkkaConfigurationBuilder builder, NixHumanityOptions options, TimeProvider? clock = null)
    {
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        return builder
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .AddHocon(NixHumanityConfig.Compose(options), HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                // Created here, once per actor system, so its fallback warning goes to the system's log.
                var embedder = options.CreateEmbedder(reason => system.Log.Warning("{0}", reason));
                var directory = system.ActorOf(UserDirectory.Props(options.ToUserSettings(embedder), clock ?? TimeProvider.System), "users");
                registry.Register<UserDirectory>(directory);
            });
    }
}

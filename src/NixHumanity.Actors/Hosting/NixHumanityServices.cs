using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace NixHumanity.Actors.Hosting;

/// <summary>The service registrations behind <see cref="NixHumanityHostingExtensions.AddNixHumanityServices"/>.</summary>
internal static class NixHumanityServices
{
    public static void Register(IServiceCollection services, IConfiguration? configuration, Action<NixHumanityOptions>? configure)
    {
        var sectionPath = (configuration as IConfigurationSection)?.Path is { Length: > 0 } path ? path : NixHumanityHostingExtensions.DefaultSectionName;
        var options = services.AddOptions<NixHumanityOptions>();
        if (configuration is not null)
        {
            // A misspelt key is a mistake worth stopping for, not a default silently kept.
            options.Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NixHumanityOptions>>(new NixHumanityOptionsValidator(sectionPath)));
        services.TryAddSingleton(new NixHumanityRegistration(sectionPath));
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<NixHumanityOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        // A factory: the client's constructor is internal (it takes the library's own directory actor).
        services.TryAddSingleton(provider => new NixHumanityClient(
            provider.GetRequiredService<Akka.Hosting.IRequiredActor<Users.UserDirectory>>(),
            provider.GetRequiredService<NixHumanityOptions>(),
            provider.GetRequiredService<Akka.Actor.ActorSystem>(),
            provider.GetService<TimeProvider>()));
        services.TryAddSingleton<ProbedGenerator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, NixHumanityStartupCheck>());

        // One writer per data directory: the lock is taken before any hosted service starts (see DataDirectoryOwnership).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, DataDirectoryOwnership>());

        // The nixh verbs on the data directory's socket once everything has started (NixHumanityOptions.Serve).
        services.TryAddSingleton<CommandLineServing>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, CommandLineServing>(
            provider => provider.GetRequiredService<CommandLineServing>()));
    }
}

using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Joins the per-user trees to an actor system the host registered with <c>AddAkka</c> before calling
/// <c>AddNixHumanity</c>. Akka.Hosting keeps one <see cref="AkkaConfigurationBuilder"/> per container, created by a
/// factory that runs the host's configuration delegate; calling <c>AddAkka</c> a second time would replace the host's
/// system (its actors would never start). Instead the factory is wrapped so the host's delegate runs first and
/// <see cref="NixHumanityHostingExtensions.WithNixHumanity(AkkaConfigurationBuilder, IServiceProvider)"/> after it.
/// </summary>
internal static class ComposedActorSystem
{
    /// <summary>Wraps the registered builder factory, if there is one; false when the host has no actor system yet.</summary>
    public static bool TryJoin(IServiceCollection services)
    {
        var index = LastIndexOfBuilder(services);
        if (index < 0)
        {
            return false;
        }

        var hosts = services[index];
        Func<IServiceProvider, object> hostFactory = hosts.ImplementationFactory
            ?? (hosts.ImplementationInstance is { } instance ? _ => instance : throw new InvalidOperationException(
                "The host's AkkaConfigurationBuilder is registered as a type, which AddNixHumanity cannot join; call WithNixHumanity(provider) in AddAkka instead."));
        services[index] = ServiceDescriptor.Singleton(provider =>
            ((AkkaConfigurationBuilder)hostFactory(provider)).WithNixHumanity(provider));
        return true;
    }

    private static int LastIndexOfBuilder(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(AkkaConfigurationBuilder))
            {
                return i;
            }
        }

        return -1;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>
/// Finds the command line a host serves: one registered as <see cref="IServedCommandLine"/> (specs), else <c>nixh</c>'s,
/// loaded by name from <c>nixh.dll</c> when the process can load it (the assistant ships it, or references the
/// project). The library cannot reference <c>nixh</c>, which references the library.
/// </summary>
internal static class ServedCommandLines
{
    /// <summary>nixh's implementation, by assembly-qualified name.</summary>
    internal const string NixhTypeName = "NixHumanity.Cli.Serve.ServedCommandLine, nixh";

    /// <summary>The command line to serve, or <c>null</c> when this process has none.</summary>
    public static IServedCommandLine? Find(IServiceProvider services)
    {
        if (services.GetService<IServedCommandLine>() is { } registered)
        {
            return registered;
        }

        try
        {
            return Type.GetType(NixhTypeName, throwOnError: false) is { } type
                ? Activator.CreateInstance(type) as IServedCommandLine
                : null;
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or FileNotFoundException)
        {
            // A nixh.dll of another build, or a broken one: the same as none.
            return null;
        }
    }
}

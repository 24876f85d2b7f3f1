using Microsoft.Extensions.Logging;

namespace NixHumanity.Actors.Hosting;

/// <summary>The logging categories of the library: one per area, named <c>NixHumanity.&lt;Area&gt;</c>.</summary>
public static class LogCategories
{
    /// <summary>The root category; <c>Logging:LogLevel:NixHumanity</c> sets every area at once.</summary>
    public const string Root = "NixHumanity";

    /// <summary>The category of every area, in the order of the dependency rules.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Root + ".Infrastructure", Root + ".Embeddings", Root + ".Session", Root + ".Projections", Root + ".Memory",
        Root + ".Learning", Root + ".DataPortability", Root + ".Users", Root + ".Hosting",
    ];

    /// <summary>
    /// The category of a log source: <c>NixHumanity.Memory</c> for any type under <c>NixHumanity.Actors.Memory</c>
    /// (sub-namespaces included); other types (Akka's own) keep their full name.
    /// </summary>
    public static string Of(Type? source)
    {
        const string prefix = "NixHumanity.Actors.";
        var ns = source?.Namespace;
        if (ns is null)
        {
            return source?.FullName ?? "Akka";
        }

        if (ns.StartsWith(prefix, StringComparison.Ordinal))
        {
            var area = ns[prefix.Length..];
            var dot = area.IndexOf('.', StringComparison.Ordinal);
            return $"{Root}.{(dot < 0 ? area : area[..dot])}";
        }

        return ns == "NixHumanity.Actors" ? Root : source!.FullName ?? ns;
    }

    /// <summary>
    /// The lowest level enabled for any of the library's categories or Akka's, as Akka's <c>loglevel</c>: Akka drops
    /// events below its own level before any <see cref="ILogger"/> sees them, so it must be as permissive as the
    /// most permissive category the host enabled. <c>OFF</c> when nothing is enabled.
    /// </summary>
    public static string AkkaLogLevel(ILoggerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var loggers = All.Prepend(Root).Append("Akka").Select(factory.CreateLogger).ToList();
        foreach (var (level, name) in new[] { (LogLevel.Debug, "DEBUG"), (LogLevel.Information, "INFO"), (LogLevel.Warning, "WARNING"), (LogLevel.Error, "ERROR") })
        {
            if (loggers.Any(l => l.IsEnabled(level)))
            {
                return name;
            }
        }

        return "OFF";
    }
}

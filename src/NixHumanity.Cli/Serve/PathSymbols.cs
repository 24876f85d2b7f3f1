using System.CommandLine;
using System.Runtime.CompilerServices;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The options and arguments that name files or folders. A forwarded command line is served in another process with
/// another working directory, so their values are made absolute against the client's before the verb runs.
/// </summary>
internal static class PathSymbols
{
    private static readonly ConditionalWeakTable<Symbol, object> Paths = [];
    private static readonly object Marker = new();

    /// <summary>Marks <paramref name="symbol"/> as naming a path; returns it.</summary>
    public static T Mark<T>(T symbol) where T : Symbol
    {
        Paths.AddOrUpdate(symbol, Marker);
        return symbol;
    }

    /// <summary>Whether <paramref name="symbol"/> names a path.</summary>
    public static bool IsPath(Symbol symbol) => Paths.TryGetValue(symbol, out _);
}

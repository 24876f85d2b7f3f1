using Spectre.Console;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The process-wide console seams a served verb needs: the request's environment variables and a progress console on
/// stderr. In a verb's own process they are the process's.
/// </summary>
internal static class CliConsole
{
    private static readonly Lock RoutingGate = new();
    private static TextWriter? _routedOut;
    private static TextWriter? _routedError;
    private static IAnsiConsole? _routedConsole;

    /// <summary>An environment variable as the verb's caller set it.</summary>
    public static string? Variable(string name) => RequestScope.Current is { } scope
        ? scope.Request.Environment.GetValueOrDefault(name)
        : Environment.GetEnvironmentVariable(name);

    /// <summary>A console on stderr for progress bars, or <c>null</c> when stderr is not a terminal.</summary>
    public static IAnsiConsole? ProgressConsole() => RequestScope.Current is { } scope
        ? scope.Request.Stderr.Terminal ? scope.ErrorConsole : null
        : Console.IsErrorRedirected ? null : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>
    /// Sends <see cref="Console.Out"/>, <see cref="Console.Error"/> and <see cref="AnsiConsole"/> to the current request
    /// (to what they were before outside one). Called by a serving process before it serves, and before each request:
    /// a process that embeds the library may set its own console later, which is then wrapped in turn.
    /// </summary>
    public static void RouteToRequests()
    {
        lock (RoutingGate)
        {
            if (!ReferenceEquals(Console.Out, _routedOut))
            {
                Console.SetOut(new RoutingWriter(() => RequestScope.Current?.Out, Console.Out));
                _routedOut = Console.Out;
            }

            if (!ReferenceEquals(Console.Error, _routedError))
            {
                Console.SetError(new RoutingWriter(() => RequestScope.Current?.Error, Console.Error));
                _routedError = Console.Error;
            }

            if (!ReferenceEquals(AnsiConsole.Console, _routedConsole))
            {
                AnsiConsole.Console = new RoutingAnsiConsole(AnsiConsole.Console);
                _routedConsole = AnsiConsole.Console;
            }
        }
    }
}

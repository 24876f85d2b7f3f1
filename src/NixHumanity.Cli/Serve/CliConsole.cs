using Spectre.Console;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The process-wide console seams a served verb needs: the request's environment variables and a progress console on
/// stderr. In a verb's own process they are the process's.
/// </summary>
internal static class CliConsole
{
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
    /// (the process's own streams outside one). Called once by the serving process.
    /// </summary>
    public static void RouteToRequests()
    {
        var stdout = Console.Out;
        var stderr = Console.Error;
        var console = AnsiConsole.Console;
        Console.SetOut(new RoutingWriter(() => RequestScope.Current?.Out, stdout));
        Console.SetError(new RoutingWriter(() => RequestScope.Current?.Error, stderr));
        AnsiConsole.Console = new RoutingAnsiConsole(console);
    }
}

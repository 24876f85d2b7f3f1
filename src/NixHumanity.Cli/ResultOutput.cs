namespace NixHumanity.Cli;

/// <summary>
/// Where a verb's result is written. With <c>--json</c> stdout carries the one JSON object and nothing else, yet
/// several writers in a verb's process print on <see cref="Console.Out"/> whatever the host configures: Akka's
/// <c>StandardOutLogger</c> (an actor system that missed <c>akka.stdout-logger-class</c>), the console logger's stdout side
/// (an entry below <c>LogToStandardErrorThreshold</c>, or options read before they were configured), a library's own
/// print. Configuring each one leaves the next to chance, so a <c>--json</c> verb in its own process reserves stdout
/// before anything else runs: the result goes to the stdout it found, and <see cref="Console.Out"/>, which everything
/// else writes to, becomes stderr.
/// </summary>
/// <remarks>
/// Only with <c>--json</c>: a readable result is written through Spectre's console, which takes <see cref="Console.Out"/>
/// when first used. Not for <c>nixh serve</c>, whose requests route <see cref="Console.Out"/> to each client
/// (<c>CliConsole</c>); a verb forwarded there writes its result to the request's writer, which
/// <see cref="Writer"/> then is.
/// </remarks>
internal static class ResultOutput
{
    private static TextWriter? _stdout;

    /// <summary>The writer of a verb's result: the reserved stdout, else <see cref="Console.Out"/>.</summary>
    public static TextWriter Writer => _stdout ?? Console.Out;

    /// <summary>Reserves stdout for the result when <paramref name="args"/> run a verb with <c>--json</c> in this process.</summary>
    /// <returns>Whether it did.</returns>
    public static bool Reserve(IReadOnlyList<string> args)
    {
        if (_stdout is not null || !AsksForJson(args) || OneShotRuntime.Verb(args) is null or "serve")
        {
            return false;
        }

        _stdout = Console.Out;
        Console.SetOut(Console.Error);
        return true;
    }

    /// <summary>Gives stdout back to <see cref="Console.Out"/> (specs that reserve it in their own process).</summary>
    internal static void Release()
    {
        if (_stdout is { } stdout)
        {
            Console.SetOut(stdout);
            _stdout = null;
        }
    }

    /// <summary>
    /// Whether <paramref name="args"/> ask for a JSON result: <c>--json</c> before any <c>--</c>, and no help option, whose
    /// text is the answer and belongs on stdout like any other verb's help.
    /// </summary>
    private static bool AsksForJson(IReadOnlyList<string> args)
    {
        var json = false;
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                break;
            }

            if (HelpAliases.Contains(arg))
            {
                return false;
            }

            json |= arg == "--json" || arg.StartsWith("--json=", StringComparison.Ordinal);
        }

        return json;
    }
}

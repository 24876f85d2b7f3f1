using Akka.Event;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Akka's minimal logger (<c>akka.stdout-logger-class</c>, <c>hocon/akka.conf</c>): the one Akka writes to before the
/// configured loggers have started and after they have stopped. Akka's own (<see cref="StandardOutLogger"/>) prints on
/// stdout, and when the actor system stops it subscribes it at the system's log level whatever
/// <c>stdout-loglevel</c> says: with Debug enabled for a library category, a stopping host printed
/// "Shutting down: StandardOutLogger started" on stdout, which the command line's output (<c>--json</c>) owns. This one
/// writes warnings and errors to stderr, where the host's logs go, and drops the rest: at those two moments no
/// <c>ILogger</c> is listening, and debug lines of the logging's own start and stop say nothing to a person.
/// </summary>
internal sealed class StandardErrorLogger : MinimalLogger
{
    /// <inheritdoc />
    protected override void Log(object message)
    {
        if (message is LogEvent logEvent && logEvent.LogLevel() >= LogLevel.WarningLevel)
        {
            Console.Error.WriteLine(logEvent.ToString());
        }
    }
}

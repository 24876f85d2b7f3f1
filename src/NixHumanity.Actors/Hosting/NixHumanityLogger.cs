using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Akka logger that writes to Microsoft.Extensions.Logging under one category per area of the library
/// (<c>NixHumanity.Session</c>, <c>NixHumanity.Memory</c>, <c>NixHumanity.Learning</c>, …; see
/// <see cref="LogCategories.Of"/>), with the message template and its arguments kept apart so structured sinks
/// see the values. Akka's own messages keep their class name (<c>Akka.*</c>). The host's
/// <c>Logging:LogLevel</c> settings then decide what is written, per category.
/// </summary>
internal sealed class NixHumanityLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    /// <summary>Takes the host's <see cref="ILoggerFactory"/> from the actor system's setup (Akka.Hosting adds it).</summary>
    public NixHumanityLogger()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        _factory = setup.HasValue ? setup.Value.LoggerFactory : Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent log)
    {
        var category = LogCategories.Of(log.LogClass);
        if (!_loggers.TryGetValue(category, out var logger))
        {
            logger = _factory.CreateLogger(category);
            _loggers[category] = logger;
        }

        var level = LevelOf(log.LogLevel());
        if (!logger.IsEnabled(level))
        {
            return;
        }

        if (log.Message is LogMessage message)
        {
            var args = message.Parameters().ToArray();
            try
            {
#pragma warning disable CA2254 // The template is the one the actor logged, not built here.
                logger.Log(level, log.Cause, message.Format, args);
#pragma warning restore CA2254
                return;
            }
            catch (FormatException)
            {
                // A template and arguments that do not match: write the text Akka would have written.
            }
        }

        logger.Log(level, log.Cause, "{Message}", log.Message?.ToString());
    }

    /// <summary>Akka's levels in Microsoft.Extensions.Logging's terms (errors stay errors).</summary>
    internal static MelLogLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => MelLogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => MelLogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => MelLogLevel.Warning,
        _ => MelLogLevel.Error,
    };
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// Akka prints nothing on stdout (<c>stdout-loglevel = OFF</c>: the command line's output owns it), also with Debug
/// logging enabled for a library category, which lowers Akka's own level. The console is process-wide, so this runs
/// alone (<see cref="ConsoleCollection"/>).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class QuietStdoutSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>Takes every log entry and writes none anywhere.</summary>
    private sealed class SilentProvider : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task A_host_with_debug_logging_for_the_library_prints_nothing_on_stdout_from_start_to_stop()
    {
        using var console = new CapturedConsole();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NixHumanity:DataDirectory"] = _data.Path,
            ["NixHumanity:Embeddings:Kind"] = "NGram",
        });
        builder.Logging.ClearProviders().AddProvider(new SilentProvider()).SetMinimumLevel(LogLevel.Warning).AddFilter("NixHumanity.Memory", LogLevel.Debug);
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        using (var host = builder.Build())
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<NixHumanityClient>().RecordInteractionAsync(new RecordInteraction("rose", "s", "install firefox", "nix-env -iA nixpkgs.firefox"));
            await host.StopAsync();
            // Akka's loggers stop as the actor system terminates: wait for that, whatever StopAsync waited for.
            await host.Services.GetRequiredService<Akka.Actor.ActorSystem>().WhenTerminated;
        }

        console.StdOut.Should().BeEmpty("Akka's lines go to the host's logs or to stderr, never to stdout");
    }
}

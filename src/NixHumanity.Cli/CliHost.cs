using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Hosting;
using NixHumanity.Cli.Serve;

namespace NixHumanity.Cli;

/// <summary>
/// One verb's lifetime of the actor tree: a generic host with <see cref="NixHumanityHostingExtensions.AddNixHumanity"/>
/// on the given data directory. Logs go to stderr (warnings and worse) so stdout stays clean for <c>--json</c>.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly bool _owned;

    private CliHost(IHost host, bool owned = true)
    {
        _host = host;
        _owned = owned;
        Client = host.Services.GetRequiredService<NixHumanityClient>();
        Options = host.Services.GetRequiredService<NixHumanityOptions>();
    }

    public NixHumanityClient Client { get; }

    public NixHumanityOptions Options { get; }

    public static async Task<CliHost> StartAsync(
        string dataDirectory, EmbedderKind embedder, CancellationToken cancellationToken, Action<NixHumanityOptions>? configure = null)
    {
        if (RequestScope.Current is { } served)
        {
            // A verb forwarded to the data directory's owner runs on the owner's tree.
            return served.Host.Lend(dataDirectory, embedder);
        }

        // A file where the data directory should be is a mistake in the command, not a failure of the tree.
        NixHumanityFiles.EnsureOutputFolder("dataDir", dataDirectory, create: false);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            // The host logs a failed start with its stack trace; the verb reports the same failure as one line.
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddNixHumanity(options =>
        {
            options.DataDirectory = dataDirectory;

            // Each verb is a cold start: its first answer waits for the user's actors to open their stores and catch
            // up with the journal. That is well under a second normally, but on a busy machine it can pass the
            // in-process default of 10 s, and a person at a terminal would rather wait than see a timeout.
            options.AskTimeout = TimeSpan.FromSeconds(60);
            options.Embeddings = options.Embeddings with { Kind = embedder };

            // A verb is one short process: new events wait in the journal for the first search that needs the model,
            // so record, status, query and the rest never pay for loading it (docs/embedders.md).
            options.Memory.LoadModelForNewEvents = false;
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new CliHost(host);
    }

    /// <summary>This host for one forwarded verb: disposing the loan leaves the host running.</summary>
    /// <exception cref="InvalidInputException">The verb asks for another data directory or another embedder.</exception>
    private CliHost Lend(string dataDirectory, EmbedderKind embedder)
    {
        if (Path.GetFullPath(dataDirectory) != Options.Data.Root)
        {
            throw new InvalidInputException(new CommandRejected("dataDir", $"the serving process owns {Options.Data.Root}, not {Path.GetFullPath(dataDirectory)}"));
        }

        // A request that does not choose (no --embedder, no NIXH_EMBEDDER) gets the owner's; only a different choice is refused.
        if (embedder != Options.Embeddings.Kind && ChoosesEmbedder(RequestScope.Current?.Request))
        {
            throw new InvalidInputException(new CommandRejected(
                "embedder",
                $"the process serving this data directory uses {Options.Embeddings.Kind.ToString().ToLowerInvariant()}; " +
                "stop it, or serve with the embedder wanted"));
        }

        return new CliHost(_host, owned: false);
    }

    private static bool ChoosesEmbedder(ServeRequest? request) =>
        request is null
        || request.Environment.ContainsKey(CommonOptions.EmbedderVariable)
        || request.Args.Any(a => a == CommonOptions.Embedder.Name || a.StartsWith(CommonOptions.Embedder.Name + "=", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (!_owned)
        {
            return;
        }

        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Cli.Serve;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Cli;

/// <summary>
/// One verb's lifetime of the actor tree: a generic host with <c>AddNixHumanity</c>
/// on the given data directory. Logs go to stderr (warnings and worse) so stdout stays clean for <c>--json</c>.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly IHost? _host;
    private readonly string? _scratchDirectory;

    private CliHost(IHost host, string? scratchDirectory = null)
        : this(host.Services, host)
    {
        _scratchDirectory = scratchDirectory;
    }

    /// <summary>A host's services; <paramref name="host"/> is the host this one stops when disposed (none for a loan).</summary>
    private CliHost(IServiceProvider services, IHost? host)
    {
        _services = services;
        _host = host;
        Client = services.GetRequiredService<NixHumanityClient>();
        Options = services.GetRequiredService<NixHumanityOptions>();
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

        return await StartOwnAsync(dataDirectory, embedder, cancellationToken, configure).ConfigureAwait(false);
    }

    /// <summary>A host of this process's own on <paramref name="dataDirectory"/> (never the serving owner's).</summary>
    private static async Task<CliHost> StartOwnAsync(
        string dataDirectory, EmbedderKind embedder, CancellationToken cancellationToken, Action<NixHumanityOptions>? configure)
    {
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

            // A verb's own host answers only its verb; nixh serve listens itself (ServeCommand).
            options.Serve = false;

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

    /// <summary>
    /// A host for a verb that only reads <paramref name="userId"/>'s data. When nothing is held about the user (no
    /// folder under <c>users/</c>, no journal events) the verb runs against an empty scratch data
    /// directory, deleted afterwards: it answers exactly what a new user sees (no history, no results), and reading
    /// creates no folder, store or journal row for a user who does not exist (a data directory that does not exist
    /// yet is created with an empty journal, as by any verb). With <paramref name="refuseUnknown"/> such a
    /// user is refused instead (<c>export</c>: there is nothing to write).
    /// </summary>
    /// <exception cref="InvalidInputException">A bad user id, or an unknown user with <paramref name="refuseUnknown"/>.</exception>
    public static async Task<CliHost> StartForReaderOfAsync(
        string userId, bool refuseUnknown, string dataDirectory, EmbedderKind embedder, CancellationToken cancellationToken)
    {
        if (InputRules.Id("userId", userId) is { } badId)
        {
            throw new InvalidInputException(badId);
        }

        NixHumanityFiles.EnsureOutputFolder("dataDir", dataDirectory, create: false);
        var data = new NixHumanityOptions { DataDirectory = dataDirectory }.Data;
        if (Directory.Exists(data.UserFolder(userId)))
        {
            return await StartAsync(dataDirectory, embedder, cancellationToken).ConfigureAwait(false);
        }

        // Started on the real directory first even when it holds no journal yet: a directory that cannot hold one
        // (under /proc, unwritable) is reported as for every other verb.
        var host = await StartAsync(dataDirectory, embedder, cancellationToken).ConfigureAwait(false);
        if (await host.Client.IsKnownUserAsync(userId, cancellationToken).ConfigureAwait(false))
        {
            return host;
        }

        await host.DisposeAsync().ConfigureAwait(false);

        if (refuseUnknown)
        {
            throw new InvalidInputException(new CommandRejected("userId", $"no such user: nothing is held about '{userId}'"));
        }

        var scratch = Path.Combine(Path.GetTempPath(), $"nixh-unknown-user-{Guid.NewGuid():N}");
        // Never lent: in a serving process the owner's tree is the real directory, not the scratch one.
        var empty = await StartOwnAsync(scratch, embedder, cancellationToken, configure: null).ConfigureAwait(false);
        return new CliHost(empty._host!, scratch);
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

        return Running(_services);
    }

    /// <summary>The running host of <paramref name="services"/> (a <c>nixh serve</c>'s or an assistant's), lent to forwarded
    /// verbs; disposing it leaves that host running.</summary>
    public static CliHost Running(IServiceProvider services) => new(services, null);

    private static bool ChoosesEmbedder(ServeRequest? request) =>
        request is null
        || request.Environment.ContainsKey(CommonOptions.EmbedderVariable)
        || request.Args.Any(a => a == CommonOptions.Embedder.Name || a.StartsWith(CommonOptions.Embedder.Name + "=", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
        if (_scratchDirectory is not null && Directory.Exists(_scratchDirectory))
        {
            Directory.Delete(_scratchDirectory, recursive: true);
        }
    }
}

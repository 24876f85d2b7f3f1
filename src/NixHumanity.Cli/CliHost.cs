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

    private CliHost(IHost host, string? scratchDirectory = null, string? askedDirectory = null)
        : this(host.Services, host, askedDirectory)
    {
        _scratchDirectory = scratchDirectory;
    }

    /// <summary>A host's services; <paramref name="host"/> is the host this one stops when disposed (none for a loan).</summary>
    private CliHost(IServiceProvider services, IHost? host, string? askedDirectory = null)
    {
        _services = services;
        _host = host;
        Client = services.GetRequiredService<NixHumanityClient>();
        Options = services.GetRequiredService<NixHumanityOptions>();
        DataDirectory = askedDirectory is null ? Options.Data.Root : Path.GetFullPath(askedDirectory);
    }

    /// <summary>Whether the verb runs on an empty scratch data directory standing in for one that holds nothing.</summary>
    public bool IsEmptyStandIn => _scratchDirectory is not null;

    /// <summary>The data directory the verb was asked about (an empty one is served from a scratch copy, never named).</summary>
    public string DataDirectory { get; }

    public NixHumanityClient Client { get; }

    public NixHumanityOptions Options { get; }

    /// <summary>The host's actor system (<c>nixh serve</c> watches it end and waits for cluster membership).</summary>
    public Akka.Actor.ActorSystem ActorSystem => _services.GetRequiredService<Akka.Actor.ActorSystem>();

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

    /// <summary>
    /// Whether this process ends once its host stops: set by the <c>nixh</c> executable before any verb runs, never by
    /// a process that goes on after a verb (the specs run verbs in theirs). Its hosts then leave their shared DuckDB
    /// instances' memory to the process's exit instead of freeing it during the stop (docs/adr/0058).
    /// </summary>
    internal static bool ProcessExitsAfterStop { get; set; }

    /// <summary>A host of this process's own on <paramref name="dataDirectory"/> (never the serving owner's).</summary>
    private static async Task<CliHost> StartOwnAsync(
        string dataDirectory, EmbedderKind embedder, CancellationToken cancellationToken, Action<NixHumanityOptions>? configure)
    {
        // A file where the data directory should be is a mistake in the command, not a failure of the tree.
        NixHumanityFiles.EnsureOutputFolder("dataDir", dataDirectory, create: false);

        // So is a folder that cannot exist where it was asked (under /proc, below a file): checked before the host
        // starts, so the verb says which option is wrong instead of failing on the first store it would create.
        if (CreationFailure(dataDirectory) is { } failure)
        {
            throw new InvalidInputException(new CommandRejected("dataDir", $"cannot be created: {failure}"));
        }

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
            // up with the journal. That is well under a second normally, but on a busy machine (load 90) a session's
            // first recovery took over 30 s while still progressing, and a person at a terminal would rather wait than
            // see a timeout (Ctrl-C stops the verb). The journal's bound stays below the client's, so a journal that
            // really does not answer is reported as such, not as a request timeout.
            options.JournalTimeout = TimeSpan.FromMinutes(4);
            options.AskTimeout = TimeSpan.FromMinutes(5);
            options.Embeddings = options.Embeddings with { Kind = embedder };

            // A verb is one short process: new events wait in the journal for the first search that needs the model,
            // so record, status, query and the rest never pay for loading it (docs/embedders.md).
            options.Memory.LoadModelForNewEvents = false;

            // A verb starts only the components it asks: record the session, status the session and the learner,
            // search the memory. The others read what the verb wrote from the journal when they next start; a memory's
            // table versions are journal positions, so applying them later in one batch gives the same versions
            // (ADR 0029, ADR 0031).
            options.StartComponentsOnDemand = true;

            // The executable ends with its host: the stop leaves the stores' memory to the exit (docs/adr/0058).
            options.Projections.ProcessExitsAfterStop = ProcessExitsAfterStop;
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new CliHost(host);
    }

    /// <summary>
    /// A host for a verb that only reads (<c>status</c>, <c>search</c>, <c>query</c>, <c>stats</c>, <c>export</c>, …).
    /// The library itself creates nothing for a person nothing is held about (their projections open their stores only
    /// when there is something to hold), so on a data directory that holds something the verb runs there as any other.
    /// A data directory that holds nothing (it does not exist, or has neither a journal nor a <c>users/</c> folder) is not
    /// created for a read: the verb runs against an empty scratch data directory, deleted afterwards, and answers what
    /// an empty one would. A directory that could not be created at all (under <c>/proc</c>) is reported as for every other
    /// verb.
    /// </summary>
    /// <exception cref="InvalidInputException">A bad user id.</exception>
    public static async Task<CliHost> StartForReaderAsync(
        string? userId, string dataDirectory, EmbedderKind embedder, CancellationToken cancellationToken)
    {
        if (userId is not null && InputRules.Id("userId", userId) is { } badId)
        {
            throw new InvalidInputException(badId);
        }

        NixHumanityFiles.EnsureOutputFolder("dataDir", dataDirectory, create: false);
        if (RequestScope.Current is not null || !HoldsNothing(dataDirectory) || CreationFailure(dataDirectory) is not null)
        {
            return await StartAsync(dataDirectory, embedder, cancellationToken).ConfigureAwait(false);
        }

        var scratch = Path.Combine(Path.GetTempPath(), $"nixh-empty-data-{Guid.NewGuid():N}");
        var empty = await StartOwnAsync(scratch, embedder, cancellationToken, configure: null).ConfigureAwait(false);
        return new CliHost(empty._host!, scratch, askedDirectory: dataDirectory);
    }

    /// <summary>Whether <paramref name="dataDirectory"/> holds no data: it does not exist, or has no journal and no users.</summary>
    private static bool HoldsNothing(string dataDirectory)
    {
        var data = new NixHumanityOptions { DataDirectory = dataDirectory }.Data;
        return !Directory.Exists(data.Root) || (!File.Exists(data.JournalDatabase) && !Directory.Exists(data.UsersFolder));
    }

    /// <summary>
    /// Why a missing <paramref name="dataDirectory"/> could not be created, or null when it could: its first missing
    /// folder is made and removed again at once (nothing is left). An existing one counts as creatable.
    /// </summary>
    private static string? CreationFailure(string dataDirectory)
    {
        var first = Path.GetFullPath(dataDirectory);
        if (Directory.Exists(first))
        {
            return null;
        }

        while (Path.GetDirectoryName(first) is { } parent && !Directory.Exists(parent))
        {
            first = parent;
        }

        try
        {
            Directory.CreateDirectory(first);
            Directory.Delete(first);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
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

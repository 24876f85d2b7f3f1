using Akka.Actor;
using Akka.Streams;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// A real actor system with the user directory on a data directory, configured exactly as the host does it.
/// Disposing it terminates the system, so a second <see cref="ActorTree"/> on the same directory is a restart.
/// </summary>
public sealed class ActorTree : IAsyncDisposable
{
    private ActorTree(ActorSystem system, IActorRef directory, NixHumanityOptions options)
    {
        System = system;
        Directory = directory;
        Options = options;
    }

    public ActorSystem System { get; }

    public IActorRef Directory { get; }

    public NixHumanityOptions Options { get; }

    /// <param name="embedder">The system's embedder (default: the one the options select, n-grams unless configured).</param>
    public static ActorTree Start(string dataDirectory, Action<NixHumanityOptions>? configure = null, TimeProvider? clock = null, IEmbedder? embedder = null)
    {
        // Specs that only need some embedder use the fast n-grams; a spec about the model sets Embeddings itself.
        // The ask limit is generous because the first request of a process pays the journal plugin's cold start
        // (7.6 s measured for JournalReadiness alone at load 30-45, before any user tree exists): a 10 s limit made the
        // first records of a fresh tree time out whenever the machine was busy (docs/adr/0021, "Default on").
        var options = new NixHumanityOptions
        {
            DataDirectory = dataDirectory,
            AskTimeout = TimeSpan.FromSeconds(60),
            Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram },
        };
        configure?.Invoke(options);
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        var system = ActorSystem.Create("nixh-test", NixHumanityConfig.Compose(options));
        var directory = system.ActorOf(UserDirectory.Props(options.ToUserSettings(embedder), clock ?? TimeProvider.System), "users");
        return new ActorTree(system, directory, options);
    }

    internal Task<object> AskAsync(IUserMessage message, TimeSpan? timeout = null) =>
        Directory.Ask<object>(message, timeout ?? Options.AskTimeout);

    /// <summary>Asks the directory itself (forget, active users): messages that are not for one user's tree.</summary>
    public Task<object> AskDirectoryAsync(object message, TimeSpan? timeout = null) =>
        Directory.Ask<object>(message, timeout ?? Options.AskTimeout);

    /// <summary>The client facade over this tree, as a host builds it.</summary>
    public NixHumanityClient Client() => new(new RequiredDirectory(Directory), Options, System);

    internal async Task<T> AskAsync<T>(IUserMessage message, TimeSpan? timeout = null)
    {
        var reply = await AskAsync(message, timeout);
        return reply switch
        {
            T typed => typed,
            CommandRejected rejected => throw new InvalidInputException(rejected),
            _ => throw new InvalidOperationException($"Expected {typeof(T).Name} but got {reply}"),
        };
    }

    public Task<InteractionAcknowledged> RecordAsync(string userId, string text, InteractionOutcome outcome = InteractionOutcome.Success,
        double? flowScore = null, DateTimeOffset? at = null, string sessionId = "s1", string? command = null) =>
        AskAsync<InteractionAcknowledged>(new RecordInteraction(userId, sessionId, text, command ?? $"cmd {text}", Outcome: outcome, FlowScore: flowScore, Timestamp: at));

    public Task<SessionStatus> StatusAsync(string userId) => AskAsync<SessionStatus>(new GetSessionStatus(userId));

    /// <summary>Every event in a user's journal, read back through Akka persistence query.</summary>
    public async Task<IReadOnlyList<ISessionEvent>> JournalEventsAsync(string userId)
    {
        // Created as the host creates it (docs/adr/0045, amendment): the plugin's read journal asks the journal with a
        // fixed 5 s limit when it is created, which a journal still busy with a freshly started tree's replays can miss.
        var journal = await JournalReadiness.ReadJournalAsync(System);
        var events = new List<ISessionEvent>();
        await journal.CurrentEventsByPersistenceId(SessionActor.PersistenceIdFor(userId), 0, long.MaxValue)
            .RunForeach(envelope => events.Add((ISessionEvent)envelope.Event), System.Materializer());
        return events;
    }

    public async ValueTask DisposeAsync() => await System.Terminate();
}

/// <summary>Directory and actor-path helpers for tree-level specs.</summary>
public static class ActorTreeInspection
{
    internal static Task<ActiveUsers> AskDirectoryAsync(this ActorTree tree) =>
        tree.Directory.Ask<ActiveUsers>(GetActiveUsers.Instance, tree.Options.AskTimeout);

    /// <summary>The running actor at a path below a user's tree, or null when none runs there.</summary>
    public static async Task<IActorRef?> ActorAsync(this ActorTree tree, string userId, string relativePath)
    {
        var path = $"/user/users/{UserDirectory.ChildName(userId)}{(relativePath.Length > 0 ? "/" + relativePath : "")}";
        var identity = await tree.System.ActorSelection(path).Ask<ActorIdentity>(new Identify(path), tree.Options.AskTimeout);
        return identity.Subject;
    }

    /// <summary>The unique id of a running actor at a path below a user's tree, or null when none runs there.</summary>
    public static async Task<long?> ActorUidAsync(this ActorTree tree, string userId, string relativePath) =>
        (await tree.ActorAsync(userId, relativePath))?.Path.Uid;

    /// <summary>
    /// Completes when <paramref name="actor"/> has terminated (Akka death watch, not polling); fails after the
    /// generous <paramref name="within"/> (default one minute) so a hang shows as a failure.
    /// </summary>
    public static async Task TerminatedAsync(this IActorRef actor, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromMinutes(1));
        await actor.WatchAsync(deadline.Token);
        deadline.IsCancellationRequested.Should().BeFalse($"{actor.Path} should have terminated");
    }

    public static Task<long?> SystemActorUidAsync(this ActorTree tree, string userId) => tree.ActorUidAsync(userId, "");
}

/// <summary>Using a short-lived tree for one question.</summary>
public static class ActorTreeUse
{
    public static async Task<T> UseAsync<T>(this ActorTree tree, Func<ActorTree, Task<T>> use)
    {
        await using (tree)
        {
            return await use(tree);
        }
    }
}

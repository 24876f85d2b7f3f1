using Akka.Actor;
using Akka.Hosting;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.DataPortability.Import;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// A small facade over the user trees for an assistant hosting this library: typed calls that turn rejections
/// into <see cref="InvalidInputException"/> and restarts into <see cref="ComponentUnavailableException"/>.
/// </summary>
/// <remarks>Obtained from the container (<c>AddNixHumanity</c> / <c>AddNixHumanityServices</c>); the user directory it
/// talks to is the library's own actor, so the constructor is not public.</remarks>
public sealed partial class NixHumanityClient
{
    private readonly IRequiredActor<UserDirectory> _directory;
    private readonly NixHumanityOptions _options;
    private readonly ActorSystem _system;
    private readonly TimeProvider _clock;

    /// <param name="directory">The user directory actor.</param>
    /// <param name="options">The options the tree runs with.</param>
    /// <param name="system">The actor system (for journal reads).</param>
    /// <param name="clock">The clock for times the client stamps itself (an export's manifest); <see cref="TimeProvider.System"/>
    /// when null. <c>AddNixHumanity</c> passes the registered <see cref="TimeProvider"/>, the
    /// same one the actor tree runs on.</param>
    internal NixHumanityClient(IRequiredActor<UserDirectory> directory, NixHumanityOptions options, ActorSystem system, TimeProvider? clock = null)
    {
        _directory = directory;
        _options = options;
        _system = system;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>A user's journaled session events, in order (the audit trail).</summary>
    /// <exception cref="InvalidInputException">The user id is not valid.</exception>
    public Task<IReadOnlyList<JournaledSessionEvent>> ReadSessionHistoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (InputRules.Id("userId", userId) is { } rejection)
        {
            throw new InvalidInputException(rejection);
        }

        return SessionHistory.ReadAsync(_system, userId, cancellationToken: cancellationToken);
    }

    /// <summary>Records an interaction; returns once it is durable.</summary>
    public Task<InteractionAcknowledged> RecordInteractionAsync(RecordInteraction command, CancellationToken cancellationToken = default) =>
        ClientTelemetry.TraceAsync("record", _clock, Telemetry.AcknowledgementDuration, async () =>
        {
            RequestPathTrace.Mark("ask");
            var ack = await AskAsync<InteractionAcknowledged>(command, cancellationToken).ConfigureAwait(false);
            RequestPathTrace.Mark("acknowledged");
            Telemetry.Acknowledgements.Add(1);
            return ack;
        });

    /// <summary>Records a notification; the reply says whether it is shown now or held back for flow.</summary>
    public Task<NotificationAcknowledged> RecordNotificationAsync(RecordNotification command, CancellationToken cancellationToken = default) =>
        AskAsync<NotificationAcknowledged>(command, cancellationToken);

    /// <summary>The session summary of a user.</summary>
    public Task<SessionStatus> GetStatusAsync(string userId, CancellationToken cancellationToken = default) =>
        AskAsync<SessionStatus>(new GetSessionStatus(userId), cancellationToken);

    /// <summary>
    /// Runs an analytics query (<c>flow</c>, <c>learning</c>, <c>interruptions</c>) on one user's learner, or, with
    /// <paramref name="userId"/> null, on every user found under the data directory's <c>users/</c> folder (in cluster
    /// mode: every user of the shared journal and of every member's data directory, each asked on the node hosting it):
    /// flow rows are merged per user, ordered by <c>user_id</c>; the other queries' rows are concatenated per user with a
    /// leading <c>user_id</c> column. The rows are by column name, for printing; <see cref="QueryFlowAsync"/>,
    /// <see cref="QueryLearningCurveAsync"/> and <see cref="QueryInterruptionsAsync"/> give the same rows typed.
    /// </summary>
    /// <exception cref="InvalidInputException">Unknown query name or bad user id.</exception>
    public Task<QueryResult> QueryAsync(string? userId, AnalyticsQuery query, CancellationToken cancellationToken = default) =>
        QueryAsync(userId, query.ToString().ToLowerInvariant(), cancellationToken);

    /// <summary>Runs the analytics query named <paramref name="queryName"/> (<c>flow</c>, <c>learning</c>,
    /// <c>interruptions</c>, as typed at a command line); see the <see cref="AnalyticsQuery"/> overload.</summary>
    /// <exception cref="InvalidInputException">Unknown query name or bad user id.</exception>
    public async Task<QueryResult> QueryAsync(string? userId, string queryName, CancellationToken cancellationToken = default)
    {
        var query = AnalyticsQueries.Parse(queryName);
        if (userId is not null)
        {
            return (await AskRowsAsync(userId, query, cancellationToken).ConfigureAwait(false)).Result;
        }

        var perUser = await AskEveryUserAsync(query, cancellationToken).ConfigureAwait(false);
        return query switch
        {
            AnalyticsQuery.Flow => QueryResult.Of(AnalyticsQueries.MergeFlow(perUser.Select(rows => rows.Flow))),
            AnalyticsQuery.Learning => QueryResult.Of(perUser.SelectMany(rows => rows.LearningCurve).ToList(), withUser: true),
            _ => QueryResult.Of(perUser.SelectMany(rows => rows.Interruptions).ToList(), withUser: true),
        };
    }

    /// <summary>
    /// The flow query, typed: per person, the average flow-session duration and the highest per-session average HRV
    /// coherence (<see cref="FlowRow"/>). With <paramref name="userId"/> null, every user (as <see cref="QueryAsync(string?, AnalyticsQuery, CancellationToken)"/>
    /// finds them), ordered by user id; a user without flow sessions has no row.
    /// </summary>
    /// <exception cref="InvalidInputException">Bad user id.</exception>
    public async Task<IReadOnlyList<FlowRow>> QueryFlowAsync(string? userId = null, CancellationToken cancellationToken = default) =>
        userId is not null
            ? (await AskRowsAsync(userId, AnalyticsQuery.Flow, cancellationToken).ConfigureAwait(false)).Flow
            : AnalyticsQueries.MergeFlow((await AskEveryUserAsync(AnalyticsQuery.Flow, cancellationToken).ConfigureAwait(false)).Select(rows => rows.Flow));

    /// <summary>
    /// The weekly learning curve, typed (<see cref="LearningCurveRow"/>), oldest week first; with
    /// <paramref name="userId"/> null, every user's curve, one user after another in user-id order.
    /// </summary>
    /// <exception cref="InvalidInputException">Bad user id.</exception>
    public async Task<IReadOnlyList<LearningCurveRow>> QueryLearningCurveAsync(string? userId = null, CancellationToken cancellationToken = default) =>
        userId is not null
            ? (await AskRowsAsync(userId, AnalyticsQuery.Learning, cancellationToken).ConfigureAwait(false)).LearningCurve
            : (await AskEveryUserAsync(AnalyticsQuery.Learning, cancellationToken).ConfigureAwait(false)).SelectMany(rows => rows.LearningCurve).ToList();

    /// <summary>
    /// The interruptions of flow, typed (<see cref="InterruptionRow"/>), by period start; with <paramref name="userId"/>
    /// null, every user's periods, one user after another in user-id order.
    /// </summary>
    /// <exception cref="InvalidInputException">Bad user id.</exception>
    public async Task<IReadOnlyList<InterruptionRow>> QueryInterruptionsAsync(string? userId = null, CancellationToken cancellationToken = default) =>
        userId is not null
            ? (await AskRowsAsync(userId, AnalyticsQuery.Interruptions, cancellationToken).ConfigureAwait(false)).Interruptions
            : (await AskEveryUserAsync(AnalyticsQuery.Interruptions, cancellationToken).ConfigureAwait(false)).SelectMany(rows => rows.Interruptions).ToList();

    private Task<AnalyticsRows> AskRowsAsync(string userId, AnalyticsQuery query, CancellationToken cancellationToken) =>
        AskAsync<AnalyticsRows>(new RunAnalyticsQuery(userId, query.ToString().ToLowerInvariant()), cancellationToken);

    // Every user's rows, in user-id order. Users with a journal whose projections have not created their folder yet
    // count too.
    private async Task<List<AnalyticsRows>> AskEveryUserAsync(AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var journalUsers = await SessionHistory.UserIdsAsync(_system, cancellationToken).ConfigureAwait(false);
        var users = (await KnownUsersAsync(cancellationToken).ConfigureAwait(false)).Union(journalUsers.Where(InputRules.IsValidId)).Order(StringComparer.Ordinal).ToList();
        var perUser = new List<AnalyticsRows>(users.Count);
        foreach (var user in users)
        {
            perUser.Add(await AskRowsAsync(user, query, cancellationToken).ConfigureAwait(false));
        }

        return perUser;
    }

    /// <summary>Whether anything is held about <paramref name="userId"/>: a folder under <c>users/</c> or events in the
    /// journal. Asking does not start the user's tree.</summary>
    /// <param name="userId">A valid user id.</param>
    /// <param name="cancellationToken">Stops the journal query.</param>
    public async Task<bool> IsKnownUserAsync(string userId, CancellationToken cancellationToken = default) =>
        Directory.Exists(_options.Data.UserFolder(userId)) ||
        (await SessionHistory.UserIdsAsync(_system, cancellationToken).ConfigureAwait(false)).Contains(userId, StringComparer.Ordinal) ||
        (_options.Cluster.Enabled && (await KnownUsersAsync(cancellationToken).ConfigureAwait(false)).Contains(userId, StringComparer.Ordinal));

    /// <summary>
    /// The users with a folder under the data directory: this one's (<see cref="KnownUsers"/>) in a single process; in
    /// cluster mode those of every member that is up (docs/adr/0023), since a user's folder is on the node hosting it.
    /// </summary>
    /// <exception cref="NixHumanityTimeoutException">A member did not answer within the ask timeout.</exception>
    public async Task<IReadOnlyList<string>> KnownUsersAsync(CancellationToken cancellationToken = default)
    {
        if (!_options.Cluster.Enabled)
        {
            return KnownUsers();
        }

        var target = await _directory.GetAsync(cancellationToken).ConfigureAwait(false);
        return await AskWithin(target, GetKnownUsers.Instance, _options.AskTimeout * 2, cancellationToken).ConfigureAwait(false) switch
        {
            KnownUserIds known => known.UserIds,
            Status.Failure failure => throw new InvalidOperationException($"A cluster member did not say which users it holds: {failure.Cause.Message}", failure.Cause),
            var other => throw new InvalidOperationException($"Unexpected reply {other.GetType().Name} to {nameof(GetKnownUsers)}."),
        };
    }

    /// <summary>The ids of the users that have a folder under this node's data directory, in ordinal order (see
    /// <see cref="KnownUsersAsync"/> for every node of a cluster).</summary>
    public IReadOnlyList<string> KnownUsers()
    {
        var folder = _options.Data.UsersFolder;
        return Directory.Exists(folder)
            ? Directory.EnumerateDirectories(folder)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => InputRules.Id("userId", name) is null)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
    }

    /// <summary>
    /// The data directory's stores per user, the journal's size and backend, and the embedder in use: read from the
    /// folder layout, without opening any store (so no owner is bypassed).
    /// </summary>
    public StorageReport DescribeStorage()
    {
        // The same selection the actor system made (configured embedder, or its fallback when a file is absent). Creating
        // it loads nothing: the packaged model is deferred and its id is derived from the pinned hash.
        var selection = EmbedderFactory.Select(_options.Embeddings);
        selection.Embedder.Dispose();
        var users = DataDirectoryStats.UserStores(_options.Data).Select(u => new UserStorage(u.UserId, u.Bytes, u.TotalBytes)).ToList();
        var report = new StorageReport(
            _options.Data.Root, selection.Embedder.Id, _options.JournalProvider.ToString().ToLowerInvariant(), DataDirectoryStats.JournalBytes(_options.Data), users,
            selection.InUse.ToString().ToLowerInvariant(), selection.FallbackReason);

        // A host's registered generator replaces the configured embedder: name the one the memories actually use.
        return SystemEmbedders.Of(_system) is GeneratorEmbedder generator
            ? report with { Embedder = generator.Id, EmbedderKind = "generator", EmbedderFallback = null }
            : report;
    }

    /// <summary>
    /// Every time a projection found that the journal had lost events it had applied (emptied, restored from an older
    /// copy, its write-ahead log lost, or another journal), oldest first; read from the data directory, no actor asked.
    /// </summary>
    public IReadOnlyList<JournalLossReport> JournalLosses() => JournalLossReports.ReadAll(_options.Data);

    /// <summary>
    /// Every time a component found one of its stores damaged on start (e.g. a preference fragment missing or changed)
    /// and rebuilt it from the journal, oldest first; read from the data directory, no actor asked.
    /// </summary>
    public IReadOnlyList<StoreRepairReport> StoreRepairs() => StoreRepairReports.ReadAll(_options.Data);

    /// <summary>Where the user's semantic memory stands: its table version and how far it has read the journal.</summary>
    /// <remarks>
    /// Not answered while a batch of the person's records is being embedded: the answer follows that batch, so it counts
    /// every record the memory had taken in before the call (with a slow host embedder this can take as long as one of
    /// its batches).
    /// </remarks>
    public Task<ProjectionStatus> GetMemoryStatusAsync(string userId, CancellationToken cancellationToken = default) =>
        AskAsync<ProjectionStatus>(new GetMemoryStatus(userId), cancellationToken);

    /// <summary>Stores biometric samples; nothing is stored when any sample is bad.</summary>
    public async Task<BiometricsRecorded> RecordBiometricsAsync(string userId, IReadOnlyList<BiometricSample> samples, CancellationToken cancellationToken = default)
    {
        // Checked here too, so a refused request never brings an unknown person's actors and store files into being.
        BiometricRules.Check(userId, samples, _clock.GetUtcNow());
        return await AskAsync<BiometricsRecorded>(new RecordBiometrics(userId, samples), cancellationToken);
    }

    /// <summary>Folds the user's new interactions into a preference fragment now.</summary>
    public Task<FoldReport> FoldAsync(string userId, CancellationToken cancellationToken = default) =>
        ClientTelemetry.TraceAsync("fold", _clock, null, () => AskAsync<FoldReport>(new FoldPreferences(userId), cancellationToken));

    /// <summary>The user's preferences as of a time (ISO-8601; null = now), optionally a feature range <c>A..B</c>.</summary>
    public Task<Preferences> GetPreferencesAsync(string userId, string? asOf = null, string? features = null, CancellationToken cancellationToken = default) =>
        AskAsync<Preferences>(new GetPreferences(userId, asOf, features), cancellationToken);

    /// <summary>The commands the user most likely runs next.</summary>
    public Task<NextCommands> SuggestAsync(string userId, int limit = 3, CancellationToken cancellationToken = default) =>
        AskAsync<NextCommands>(new SuggestNextCommands(userId, limit), cancellationToken);

    /// <summary>Journal events per user (users that have a session journal).</summary>
    public Task<IReadOnlyDictionary<string, long>> JournalEventCountsAsync(CancellationToken cancellationToken = default) =>
        SessionHistory.EventCountsAsync(_system, cancellationToken);

    /// <summary>
    /// Loads now what the first answer of a fresh process would otherwise wait for: the embedder's model (the first
    /// search waits for it, about a second or more) and, when <paramref name="userId"/> is given, that person's actors
    /// with their stores opened and caught up with the journal. Safe to call any number of times.
    /// </summary>
    /// <exception cref="InvalidInputException">The user id is not valid.</exception>
    public async Task WarmUpAsync(string? userId = null, CancellationToken cancellationToken = default)
    {
        // The directory is registered after the embedder is created, so waiting for it means the embedder exists.
        await _directory.GetAsync(cancellationToken).ConfigureAwait(false);
        switch (SystemEmbedders.Of(_system))
        {
            case IDeferredEmbedder deferred:
                await deferred.LoadAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                break;
            case { } embedder:
                // Off the caller's thread: a configured ONNX model builds its session on the first call.
                await Task.Run(() => embedder.Embed("warm up"), cancellationToken).ConfigureAwait(false);
                break;
        }

        if (userId is not null)
        {
            await GetStatusAsync(userId, cancellationToken).ConfigureAwait(false);
            await GetMemoryStatusAsync(userId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Searches the user's semantic memory (see <see cref="SearchMemory"/>).</summary>
    public Task<MemorySearched> SearchAsync(SearchMemory query, CancellationToken cancellationToken = default) =>
        ClientTelemetry.TraceAsync("search", _clock, Telemetry.SearchDuration, () => AskAsync<MemorySearched>(query, cancellationToken));

    /// <summary>Drops the user's memory time travel before <paramref name="upToVersion"/> (default: all but the current version).</summary>
    public Task<MemoryCompacted> CompactMemoryAsync(string userId, long? upToVersion = null, CancellationToken cancellationToken = default) =>
        AskAsync<MemoryCompacted>(new CompactMemory(userId, upToVersion), cancellationToken);

    /// <summary>Sends any user message and waits for a reply of type <typeparamref name="TReply"/>.</summary>
    /// <exception cref="InvalidInputException">The input broke a rule; nothing was persisted.</exception>
    /// <exception cref="ComponentUnavailableException">The component is restarting after a failure; retry shortly.</exception>
    /// <exception cref="NixHumanityTimeoutException">No answer within <see cref="NixHumanityOptions.AskTimeout"/>.</exception>
    internal Task<TReply> AskAsync<TReply>(IUserMessage message, CancellationToken cancellationToken = default) =>
        AskAsync<TReply>(message, _options.AskTimeout, cancellationToken);

    /// <summary>As <see cref="AskAsync{TReply}(IUserMessage, CancellationToken)"/>, waiting up to <paramref name="timeout"/>.</summary>
    internal async Task<TReply> AskAsync<TReply>(IUserMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = await _directory.GetAsync(cancellationToken).ConfigureAwait(false);
        var reply = await AskWithin(target, message, timeout, cancellationToken).ConfigureAwait(false);
        // A user's tree may also answer that a component is restarting; every other reply reads as any ask's.
        return reply is TemporarilyUnavailable unavailable and not TReply ? throw Unavailable(unavailable) : Replies.Expect<TReply>(reply, message);
    }

    /// <summary>Asks, turning Akka's timeout into the library's own exception (no Akka type reaches a caller).</summary>
    private static async Task<object> AskWithin(IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await target.Ask<object>(message, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException ex)
        {
            throw new NixHumanityTimeoutException(message.GetType().Name, timeout, ex);
        }
    }

    private static ComponentUnavailableException Unavailable(TemporarilyUnavailable reply)
    {
        Telemetry.Unavailable.Add(1, new KeyValuePair<string, object?>(Telemetry.ComponentAttribute, reply.Component));
        return new ComponentUnavailableException(reply);
    }
}

/// <summary>
/// Thrown when part of a user's tree failed or is being restarted after a failure; the message says why
/// (<c>unavailable: …</c>, or <c>disk full: PATH</c>). Nothing was done; retry.
/// </summary>
public sealed class ComponentUnavailableException(TemporarilyUnavailable reply)
    : Exception(Describe(reply))
{
    /// <summary>The reply the tree sent.</summary>
    public TemporarilyUnavailable Reply { get; } = reply;

    private static string Describe(TemporarilyUnavailable reply) => reply switch
    {
        { DiskFullPath: { } path } => $"disk full: {path}",
        { Component: TemporarilyUnavailable.WholeTree } => $"unavailable: user '{reply.UserId}': {reply.Reason}",
        _ => $"unavailable: the {reply.Component} of user '{reply.UserId}': {reply.Reason}",
    };
}

using Akka.Actor;
using Akka.Hosting;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Store;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;
using NixHumanity.Actors.Validation;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// A small facade over the user trees for an assistant hosting this library: typed calls that turn rejections
/// into <see cref="InvalidInputException"/> and restarts into <see cref="ComponentUnavailableException"/>.
/// </summary>
public sealed class NixHumanityClient(IRequiredActor<UserDirectory> directory, NixHumanityOptions options)
{
    /// <summary>Records an interaction; returns once it is durable.</summary>
    public Task<InteractionAcknowledged> RecordInteractionAsync(RecordInteraction command, CancellationToken cancellationToken = default) =>
        AskAsync<InteractionAcknowledged>(command, cancellationToken);

    /// <summary>Records a notification; the reply says whether it is shown now or held back for flow.</summary>
    public Task<NotificationAcknowledged> RecordNotificationAsync(RecordNotification command, CancellationToken cancellationToken = default) =>
        AskAsync<NotificationAcknowledged>(command, cancellationToken);

    /// <summary>The session summary of a user.</summary>
    public Task<SessionStatus> GetStatusAsync(string userId, CancellationToken cancellationToken = default) =>
        AskAsync<SessionStatus>(new GetSessionStatus(userId), cancellationToken);

    /// <summary>
    /// Runs an analytics query (<c>flow</c>, <c>learning</c>, <c>interruptions</c>) on one user's learner, or, with
    /// <paramref name="userId"/> null, on every user found under the data directory's <c>users/</c> folder: flow rows
    /// are merged with <see cref="AnalyticsQueries.MergeFlow"/>; the other queries' rows are concatenated per user
    /// with a leading <c>user_id</c> column. The query name is checked before any user is asked.
    /// </summary>
    /// <exception cref="InvalidInputException">Unknown query name or bad user id.</exception>
    public async Task<QueryResult> QueryAsync(string? userId, string queryName, CancellationToken cancellationToken = default)
    {
        var query = AnalyticsQueries.Parse(queryName);
        if (userId is not null)
        {
            return (await AskAsync<AnalyticsRows>(new RunAnalyticsQuery(userId, queryName), cancellationToken).ConfigureAwait(false)).Result;
        }

        var perUser = new List<(string UserId, QueryResult Result)>();
        foreach (var user in KnownUsers())
        {
            var rows = await AskAsync<AnalyticsRows>(new RunAnalyticsQuery(user, queryName), cancellationToken).ConfigureAwait(false);
            perUser.Add((user, rows.Result));
        }

        if (query == AnalyticsQuery.Flow)
        {
            return AnalyticsQueries.MergeFlow(perUser.Select(p => p.Result));
        }

        var columns = new[] { "user_id" }.Concat(perUser.Count > 0 ? perUser[0].Result.Columns : ColumnsOf(query)).ToList();
        var merged = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var (user, result) in perUser)
        {
            foreach (var row in result.Rows)
            {
                var withUser = new Dictionary<string, object?>(StringComparer.Ordinal) { ["user_id"] = user };
                foreach (var (column, value) in row)
                {
                    withUser[column] = value;
                }

                merged.Add(withUser);
            }
        }

        return new QueryResult(query, columns, merged);
    }

    /// <summary>The ids of the users that have a folder under the data directory, in ordinal order.</summary>
    public IReadOnlyList<string> KnownUsers()
    {
        var folder = options.Data.UsersFolder;
        return Directory.Exists(folder)
            ? Directory.EnumerateDirectories(folder)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => InputRules.Id("userId", name) is null)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
    }

    /// <summary>Stores biometric samples; nothing is stored when any sample is bad.</summary>
    public Task<BiometricsRecorded> RecordBiometricsAsync(string userId, IReadOnlyList<BiometricSample> samples, CancellationToken cancellationToken = default) =>
        AskAsync<BiometricsRecorded>(new RecordBiometrics(userId, samples), cancellationToken);

    /// <summary>Folds the user's new interactions into a preference fragment now.</summary>
    public Task<FoldReport> FoldAsync(string userId, CancellationToken cancellationToken = default) =>
        AskAsync<FoldReport>(new FoldPreferences(userId), cancellationToken);

    /// <summary>The user's preferences as of a time (ISO-8601; null = now), optionally a feature range <c>A..B</c>.</summary>
    public Task<Preferences> GetPreferencesAsync(string userId, string? asOf = null, string? features = null, CancellationToken cancellationToken = default) =>
        AskAsync<Preferences>(new GetPreferences(userId, asOf, features), cancellationToken);

    /// <summary>The commands the user most likely runs next.</summary>
    public Task<NextCommands> SuggestAsync(string userId, int limit = 3, CancellationToken cancellationToken = default) =>
        AskAsync<NextCommands>(new SuggestNextCommands(userId, limit), cancellationToken);

    /// <summary>Sends any user message and waits for a reply of type <typeparamref name="TReply"/>.</summary>
    /// <exception cref="InvalidInputException">The input broke a rule; nothing was persisted.</exception>
    /// <exception cref="ComponentUnavailableException">The component is restarting after a failure; retry shortly.</exception>
    public async Task<TReply> AskAsync<TReply>(IUserMessage message, CancellationToken cancellationToken = default)
    {
        var target = await directory.GetAsync(cancellationToken).ConfigureAwait(false);
        var reply = await target.Ask<object>(message, options.AskTimeout, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            TReply typed => typed,
            CommandRejected rejected => throw new InvalidInputException(rejected),
            TemporarilyUnavailable unavailable => throw new ComponentUnavailableException(unavailable),
            Status.Failure failure => throw new InvalidOperationException(failure.Cause.Message, failure.Cause),
            _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name} to {message.GetType().Name}."),
        };
    }

    private static IReadOnlyList<string> ColumnsOf(AnalyticsQuery query) => query switch
    {
        AnalyticsQuery.Learning => AnalyticsStore.LearningColumns,
        AnalyticsQuery.Interruptions => AnalyticsStore.InterruptionColumns,
        _ => AnalyticsStore.FlowColumns,
    };
}

/// <summary>Thrown when part of a user's tree is being restarted after a failure. Nothing was done; retry.</summary>
public sealed class ComponentUnavailableException(TemporarilyUnavailable reply)
    : Exception($"The {reply.Component} of user '{reply.UserId}' is restarting after a failure; retry shortly.")
{
    /// <summary>The reply the tree sent.</summary>
    public TemporarilyUnavailable Reply { get; } = reply;
}

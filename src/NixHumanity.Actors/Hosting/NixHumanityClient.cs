using Akka.Actor;
using Akka.Hosting;
using NixHumanity.Actors.Export;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Privacy;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;
using NixHumanity.Actors.Validation;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// A small facade over the user trees for an assistant hosting this library: typed calls that turn rejections
/// into <see cref="InvalidInputException"/> and restarts into <see cref="ComponentUnavailableException"/>.
/// </summary>
public sealed class NixHumanityClient(IRequiredActor<UserDirectory> directory, NixHumanityOptions options, ActorSystem system)
{
    /// <summary>A user's journaled session events, in order (the audit trail).</summary>
    /// <exception cref="InvalidInputException">The user id is not valid.</exception>
    public Task<IReadOnlyList<JournaledSessionEvent>> ReadSessionHistoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (InputRules.Id("userId", userId) is { } rejection)
        {
            throw new InvalidInputException(rejection);
        }

        return SessionHistory.ReadAsync(system, userId, cancellationToken: cancellationToken);
    }

    /// <summary>Records an interaction; returns once it is durable.</summary>
    public Task<InteractionAcknowledged> RecordInteractionAsync(RecordInteraction command, CancellationToken cancellationToken = default) =>
        AskAsync<InteractionAcknowledged>(command, cancellationToken);

    /// <summary>Records a notification; the reply says whether it is shown now or held back for flow.</summary>
    public Task<NotificationAcknowledged> RecordNotificationAsync(RecordNotification command, CancellationToken cancellationToken = default) =>
        AskAsync<NotificationAcknowledged>(command, cancellationToken);

    /// <summary>The session summary of a user.</summary>
    public Task<SessionStatus> GetStatusAsync(string userId, CancellationToken cancellationToken = default) =>
        AskAsync<SessionStatus>(new GetSessionStatus(userId), cancellationToken);

    /// <summary>Journal events per user (users that have a session journal).</summary>
    public Task<IReadOnlyDictionary<string, long>> JournalEventCountsAsync(CancellationToken cancellationToken = default) =>
        SessionHistory.EventCountsAsync(system, cancellationToken);

    /// <summary>
    /// Writes everything held about <paramref name="userId"/> into <paramref name="outputFolder"/> in open formats:
    /// the journal's events as JSON lines and a manifest with counts and the sha256 of every file.
    /// </summary>
    /// <exception cref="InvalidInputException">Bad user id, or the folder is not new/empty.</exception>
    public async Task<ExportManifest> ExportAsync(string userId, string outputFolder, CancellationToken cancellationToken = default)
    {
        var folder = ExportFolder.Create(outputFolder);
        var history = await ReadSessionHistoryAsync(userId, cancellationToken).ConfigureAwait(false);
        var events = await JournalExport.WriteAsync(history, Path.Combine(folder, JournalExport.EventsPath), cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, long>
        {
            ["events"] = events,
            ["interactions"] = history.Count(h => h.Event is InteractionRecorded),
            ["notifications"] = history.Count(h => h.Event is NotificationDelivered or NotificationDeferred),
        };
        var descriptions = new Dictionary<string, string>
        {
            [JournalExport.EventsPath] = "the user's journal events, one JSON object per line (sequenceNr, type, event)",
        };

        // Each store is written by its owner actor; the client only collects what they report.
        foreach (var part in new[] { await AskAsync<StoreExported>(new ExportMemory(userId, folder), cancellationToken).ConfigureAwait(false) })
        {
            foreach (var (path, description) in part.Files)
            {
                descriptions[path] = description;
            }

            foreach (var (name, count) in part.Counts)
            {
                counts[name] = count;
            }
        }

        return await ExportFolder.SealAsync(folder, userId, DateTimeOffset.UtcNow, counts, descriptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Restores a user from an export folder into a user without history: checks the manifest's checksums, then
    /// writes the journal events back unchanged; the projections rebuild from them.
    /// </summary>
    /// <exception cref="InvalidInputException">The folder fails verification, or the user already has history.</exception>
    public async Task<HistoryRestored> RestoreAsync(string userId, string exportFolder, CancellationToken cancellationToken = default)
    {
        var manifest = await ExportFolder.VerifyAsync(exportFolder, cancellationToken).ConfigureAwait(false);
        if (manifest.UserId != userId)
        {
            // Events carry the user id they were recorded for; restoring them under another id would mix identities.
            throw new InvalidInputException(new CommandRejected("user", $"the export holds user '{manifest.UserId}'; restore it as that user"));
        }

        var events = JournalExport.Read(Path.Combine(exportFolder, JournalExport.EventsPath));
        return await AskAsync<HistoryRestored>(new RestoreHistory(userId, events), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a user from every store (journal, snapshots, memory, analytics, tensors, charts) and reports what was removed.</summary>
    /// <exception cref="InvalidInputException">The user id is not valid, or the user is already being forgotten.</exception>
    public async Task<ForgetReport> ForgetAsync(string userId, CancellationToken cancellationToken = default)
    {
        var target = await directory.GetAsync(cancellationToken).ConfigureAwait(false);
        // Erasing rewrites the journal file (VACUUM), which takes longer than an ordinary command.
        var reply = await target.Ask<object>(new ForgetUser(userId), options.AskTimeout * 6, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            UserForgotten forgotten => forgotten.Report,
            CommandRejected rejected => throw new InvalidInputException(rejected),
            Status.Failure failure => throw new InvalidOperationException(failure.Cause.Message, failure.Cause),
            _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name} to {nameof(ForgetUser)}."),
        };
    }

    /// <summary>Searches the user's semantic memory (see <see cref="SearchMemory"/>).</summary>
    public Task<MemorySearched> SearchAsync(SearchMemory query, CancellationToken cancellationToken = default) =>
        AskAsync<MemorySearched>(query, cancellationToken);

    /// <summary>Drops the user's memory time travel before <paramref name="upToVersion"/> (default: all but the current version).</summary>
    public Task<MemoryCompacted> CompactMemoryAsync(string userId, long? upToVersion = null, CancellationToken cancellationToken = default) =>
        AskAsync<MemoryCompacted>(new CompactMemory(userId, upToVersion), cancellationToken);

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
}

/// <summary>Thrown when part of a user's tree is being restarted after a failure. Nothing was done; retry.</summary>
public sealed class ComponentUnavailableException(TemporarilyUnavailable reply)
    : Exception($"The {reply.Component} of user '{reply.UserId}' is restarting after a failure; retry shortly.")
{
    /// <summary>The reply the tree sent.</summary>
    public TemporarilyUnavailable Reply { get; } = reply;
}

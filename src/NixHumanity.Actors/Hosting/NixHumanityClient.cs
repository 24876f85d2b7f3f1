using Akka.Actor;
using Akka.Hosting;
using NixHumanity.Actors.Memory;
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

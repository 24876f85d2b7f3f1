using System.Globalization;
using Akka.Cluster.Sharding;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Users;

/// <summary>
/// Cluster mode's routing: every <see cref="IUserMessage"/> (and <see cref="ForgetUser"/>) goes to the sharded entity whose id is its
/// <see cref="IUserMessage.UserId"/>, unchanged. The shard is a stable hash of the user id (FNV-1a, the same on
/// every node and in every process, unlike <see cref="string.GetHashCode()"/>), modulo the number of shards.
/// Sharding's own messages (StartEntity, ShardingEnvelope) are unwrapped by Akka before the extractor is asked.
/// </summary>
/// <param name="numberOfShards">Shards the users are spread over; the same on every node.</param>
internal sealed class UserMessageExtractor(int numberOfShards) : IMessageExtractor
{
    /// <inheritdoc />
    public string? EntityId(object message) => message switch
    {
        IUserMessage user => user.UserId,
        // Forget runs in the user's entity, on the node hosting the user (docs/adr/0023).
        ForgetUser forget => forget.UserId,
        _ => null,
    };

    /// <inheritdoc />
    public object EntityMessage(object message) => message;

    /// <inheritdoc />
    public string? ShardId(object message) => EntityId(message) is { } id ? ShardId(id) : null;

    /// <inheritdoc />
    public string ShardId(string entityId, object? messageHint = null) =>
        (StableHash.Fnv1a(entityId) % (uint)numberOfShards).ToString(CultureInfo.InvariantCulture);
}

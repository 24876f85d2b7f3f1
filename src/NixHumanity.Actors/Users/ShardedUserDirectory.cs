using Akka.Actor;
using Akka.Cluster.Sharding;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Forget;

namespace NixHumanity.Actors.Users;

/// <summary>
/// Cluster mode's <c>/user/users</c>: what <see cref="UserDirectory"/> is in a single process, in front of the shard
/// region of the users. It checks the user id before anything travels, forwards every <see cref="IUserMessage"/> to
/// the region (which delivers it to the one node hosting the user), and answers <see cref="GetActiveUsers"/> with
/// the users whose tree runs on this node.
/// </summary>
/// <remarks>
/// Forget is refused for now: it must stop the user wherever it lives and remove the projection copies of every node
/// (docs/adr/0018); refusing keeps a forget from leaving data behind while reporting success.
/// </remarks>
public sealed class ShardedUserDirectory : ReceiveActor
{
    /// <summary>The rule a forget is rejected with in cluster mode.</summary>
    public const string ForgetNotAvailable = "cannot be forgotten in cluster mode yet (docs/adr/0018-cluster-mode.md)";

    private readonly IActorRef _region;
    private readonly Action _onSystemTerminated;
    private readonly TimeSpan _askTimeout;

    /// <summary>Creates the front of <paramref name="region"/>.</summary>
    /// <param name="region">The shard region of the users on this node.</param>
    /// <param name="onSystemTerminated">Releases what the trees shared (the embedder), once the actor system has terminated.</param>
    /// <param name="askTimeout">How long the region may take to say which users run here.</param>
    public ShardedUserDirectory(IActorRef region, Action onSystemTerminated, TimeSpan askTimeout)
    {
        _region = region;
        _onSystemTerminated = onSystemTerminated;
        _askTimeout = askTimeout;
        Receive<IUserMessage>(Route);
        Receive<ForgetUser>(_ => Sender.Tell(new CommandRejected("userId", ForgetNotAvailable)));
        Receive<GetActiveUsers>(_ => AnswerActiveUsers());
    }

    /// <summary>Props of the front of <paramref name="region"/>.</summary>
    public static Props Props(IActorRef region, Action onSystemTerminated, TimeSpan askTimeout) =>
        Akka.Actor.Props.Create(() => new ShardedUserDirectory(region, onSystemTerminated, askTimeout));

    /// <inheritdoc />
    protected override void PreStart() => Context.System.RegisterOnTermination(_onSystemTerminated);

    private void Route(IUserMessage message)
    {
        if (InputRules.Id("userId", message.UserId) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        _region.Forward(message);
    }

    private void AnswerActiveUsers()
    {
        // The region's own state is local: the entities of the shards this node hosts, which is what "active here" means.
        _region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, _askTimeout)
            .PipeTo(Sender, success: state => new ActiveUsers(
                state.Shards.SelectMany(shard => shard.EntityIds).Order(StringComparer.Ordinal).ToList()));
    }
}

using Akka.Actor;
using Akka.Cluster.Sharding;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Users;

/// <summary>
/// A user as a sharded entity (cluster mode): holds the user's <see cref="UserActor"/> tree, exactly as
/// <see cref="UserDirectory"/> holds it in a single process, and translates the tree's passivation into the shard's.
/// </summary>
/// <remarks>
/// The tree asks its parent to be stopped when idle (<see cref="PassivateUser"/>); here that becomes
/// <see cref="Passivate"/> with <see cref="StopUserTree"/> as the stop message, so the shard buffers the user's new
/// messages while work already queued finishes, as the directory does. A hand-off (rebalance, graceful leave) sends
/// the same <see cref="StopUserTree"/> (the shard region's hand-off stop message), so the session's writes in flight
/// complete before the user starts on another node.
/// </remarks>
public sealed class UserEntity : ReceiveActor
{
    private readonly IActorRef _tree;

    /// <summary>Creates the entity of <paramref name="userId"/> with the tree <paramref name="userTree"/> makes.</summary>
    public UserEntity(string userId, Func<string, Props> userTree)
    {
        _tree = Context.ActorOf(userTree(userId), UserDirectory.ChildName(userId));
        Context.Watch(_tree);

        Receive<IUserMessage>(message => _tree.Forward(message));
        Receive<PassivateUser>(_ => Context.Parent.Tell(new Passivate(StopUserTree.Instance)));
        Receive<StopUserTree>(_ => _tree.Tell(StopUserTree.Instance));
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_tree))
            {
                Context.Stop(Self);
            }
        });
    }

    /// <summary>Props of the entity of <paramref name="userId"/>.</summary>
    public static Props Props(string userId, Func<string, Props> userTree) =>
        Akka.Actor.Props.Create(() => new UserEntity(userId, userTree));
}

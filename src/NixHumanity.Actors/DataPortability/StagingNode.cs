using Akka.Actor;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.DataPortability;

/// <summary>
/// Asks the node hosting a user for one chunk of a staged export or restore (docs/adr/0044, 0048), reading its replies
/// as the client reads a user's (<see cref="Replies.Expect"/>).
/// </summary>
internal static class StagingNode
{
    /// <summary>
    /// The users actor of the node at <paramref name="address"/> (where staging messages go), and whether that node is
    /// this one: its staging folder is then on this machine, and files need not cross in chunks.
    /// </summary>
    /// <param name="system">This node's actor system.</param>
    /// <param name="address">The hosting node's address, as it reported it.</param>
    public static (ActorSelection Users, bool IsThisNode) Locate(ActorSystem system, string address) =>
        (system.ActorSelection(new RootActorPath(Address.Parse(address)) / "user" / "users"),
            address == Akka.Cluster.Cluster.Get(system).SelfAddress.ToString());

    /// <summary>Asks <paramref name="node"/> and returns its reply as <typeparamref name="TReply"/>, or throws as above.</summary>
    /// <param name="node">The hosting node's users actor.</param>
    /// <param name="message">The staging message (the chunk asked for or sent).</param>
    /// <param name="timeout">How long the hosting node may take (Akka's <see cref="AskTimeoutException"/> past it).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InvalidInputException">The hosting node rejected the message.</exception>
    /// <exception cref="InvalidOperationException">The hosting node failed, or answered with another type.</exception>
    public static async Task<TReply> AskAsync<TReply>(ActorSelection node, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = await node.Ask<object>(message, timeout, cancellationToken).ConfigureAwait(false);
        return Replies.Expect<TReply>(reply, message);
    }
}

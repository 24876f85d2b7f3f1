using Akka.Actor;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Stands in for a user's whole tree under the directory: reports its start and everything it receives (with the
/// original sender) to a probe. On <see cref="StopUserTree"/> it reports and stops, or, when told to hold, stops
/// only on <see cref="FinishStopping"/>, like a tree still finishing accepted work.
/// </summary>
public sealed class TreeStandIn : ReceiveActor
{
    public TreeStandIn(string userId, IActorRef probe, bool holdStop)
    {
        Receive<StopUserTree>(_ =>
        {
            probe.Tell(new TreeAskedToStop(userId, Self));
            if (!holdStop)
            {
                Context.Stop(Self);
            }
        });
        Receive<FinishStopping>(_ => Context.Stop(Self));
        ReceiveAny(msg => probe.Tell(new TreeReceived(userId, msg), Sender));
        probe.Tell(new TreeStarted(userId, Self));
    }

    public static Props Props(string userId, IActorRef probe, bool holdStop = false) =>
        Akka.Actor.Props.Create(() => new TreeStandIn(userId, probe, holdStop));
}

/// <summary>Lets a <see cref="TreeStandIn"/> that holds its stop finish stopping.</summary>
public sealed record FinishStopping
{
    public static readonly FinishStopping Instance = new();
}

/// <summary>A user's tree started.</summary>
public sealed record TreeStarted(string UserId, IActorRef Tree);

/// <summary>A user's tree was asked to stop.</summary>
public sealed record TreeAskedToStop(string UserId, IActorRef Tree);

/// <summary>A user's tree received <paramref name="Message"/>.</summary>
public sealed record TreeReceived(string UserId, object Message);

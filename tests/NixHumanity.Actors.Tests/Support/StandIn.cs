using Akka.Actor;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Stands in for one child of a user tree (session, memory or learner): reports to a probe when it starts, stops
/// and receives something (with the original sender), throws on <see cref="Crash"/> and stops on
/// <see cref="StopGracefully"/> as the real children do.
/// </summary>
public sealed class StandIn : ReceiveActor
{
    private readonly string _name;
    private readonly IActorRef _probe;

    public StandIn(string name, IActorRef probe)
    {
        _name = name;
        _probe = probe;
        Receive<Crash>(_ => throw new InvalidOperationException($"{_name} crashed on purpose"));
        Receive<StopGracefully>(msg =>
        {
            _probe.Tell(new StandInReceived(_name, msg), Sender);
            Context.Stop(Self);
        });
        ReceiveAny(msg => _probe.Tell(new StandInReceived(_name, msg), Sender));
    }

    public static Props Props(string name, IActorRef probe) => Akka.Actor.Props.Create(() => new StandIn(name, probe));

    protected override void PreStart() => _probe.Tell(new StandInStarted(_name, Self));

    protected override void PostStop() => _probe.Tell(new StandInStopped(_name));
}

/// <summary>Makes a <see cref="StandIn"/> throw.</summary>
public sealed record Crash
{
    public static readonly Crash Instance = new();
}

/// <summary>A stand-in started (again).</summary>
public sealed record StandInStarted(string Name, IActorRef Self);

/// <summary>A stand-in stopped.</summary>
public sealed record StandInStopped(string Name);

/// <summary>A stand-in received <paramref name="Message"/>; the probe sees the original sender.</summary>
public sealed record StandInReceived(string Name, object Message);

/// <summary>A session command with no meaning but its route.</summary>
public sealed record SessionPing(string UserId, int N = 0) : ISessionMessage;

/// <summary>A memory command with no meaning but its route.</summary>
public sealed record MemoryPing(string UserId, int N = 0) : IMemoryMessage;

/// <summary>A learner command with no meaning but its route.</summary>
public sealed record LearnerPing(string UserId, int N = 0) : ILearnerMessage;

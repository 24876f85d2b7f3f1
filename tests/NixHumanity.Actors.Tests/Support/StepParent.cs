using Akka.Actor;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Parent of the actor under test, so what the actor tells its parent reaches a probe: it creates the child,
/// forwards whatever the child sends it (and the child's <see cref="Terminated"/>) to the probe, and forwards
/// everything else to the child with the original sender.
/// </summary>
public sealed class StepParent : ReceiveActor
{
    public StepParent(Props child, string name, IActorRef probe)
    {
        var actor = Context.Watch(Context.ActorOf(child, name));
        Receive<Terminated>(t => t.ActorRef.Equals(actor), t => probe.Tell(t));
        ReceiveAny(msg =>
        {
            if (Sender.Equals(actor))
            {
                probe.Forward(msg);
            }
            else
            {
                actor.Forward(msg);
            }
        });
    }

    public static Props Props(Props child, string name, IActorRef probe) =>
        Akka.Actor.Props.Create(() => new StepParent(child, name, probe));
}

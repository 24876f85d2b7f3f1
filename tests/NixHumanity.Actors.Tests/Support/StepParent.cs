using Akka.Actor;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Parent of the actor under test, so what the actor tells its parent reaches a probe: it creates the child,
/// forwards whatever the child sends it to the probe, and everything else to the child with the original sender.
/// (A spec that waits for the child's end watches it itself: Akka delivers a Terminated only to a watcher.)
/// </summary>
public sealed class StepParent : ReceiveActor
{
    public StepParent(Props child, string name, IActorRef probe)
    {
        var actor = Context.ActorOf(child, name);
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

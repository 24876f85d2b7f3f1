using Akka.Actor;

namespace NixHumanity.Sample;

/// <summary>An actor of the host's own, to show it runs beside NixHumanity's trees in one actor system.</summary>
internal sealed class Greeter : ReceiveActor
{
    public Greeter() => ReceiveAny(_ => Sender.Tell("hello"));
}

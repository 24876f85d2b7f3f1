using Akka.Actor;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>Completes a task with the first message of a type published on an actor system's event stream.</summary>
internal static class EventStreamProbe
{
    /// <summary>The first <typeparamref name="T"/> published on <paramref name="system"/>'s event stream from now on.</summary>
    public static Task<T> FirstPublished<T>(this ActorSystem system)
    {
        var first = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = system.ActorOf(Props.Create(() => new Listener<T>(first)));
        system.EventStream.Subscribe(listener, typeof(T));
        return first.Task;
    }

    private sealed class Listener<T> : ReceiveActor
    {
        public Listener(TaskCompletionSource<T> first) => Receive<T>(e => first.TrySetResult(e));
    }
}

using Akka.Actor;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Session;

/// <summary>
/// The requests a session actor has received whose handler has not run yet, with their senders. Akka.Persistence holds
/// such requests in its internal stash while a write or the recovery is pending and, when the actor stops (a failed
/// write stops it whatever <c>OnPersistFailure</c> does, and so does a failed recovery), puts them back in the mailbox
/// of the stopped actor, which sends them to dead letters. Their senders would wait for their timeouts; the session
/// answers each of them from this list instead.
/// </summary>
/// <remarks>
/// A request is known by reference: a message taken back from the stash is the same object when it arrives again, so
/// it is not counted twice. The list never holds more than what arrived during one write or recovery. Each request it
/// answers is reported to <c>answered</c>, so the dead letter its copy in the stopped actor's mailbox becomes is not
/// answered a second time (<see cref="Infrastructure.StoppedTargetAnswers"/>).
/// </remarks>
/// <param name="answered">Told of each request answered from the list.</param>
internal sealed class UnansweredRequests(Action<object> answered)
{
    private readonly Dictionary<object, IActorRef> _waiting = new(ReferenceEqualityComparer.Instance);

    /// <summary>A message reached the actor (for the first time, or again from a stash).</summary>
    public void Arrived(object message, IActorRef sender)
    {
        if (message is ISessionMessage)
        {
            _waiting.TryAdd(message, sender);
        }
    }

    /// <summary>The handler of <paramref name="request"/> runs now: from here it answers the request itself.</summary>
    public void Handling(object request) => _waiting.Remove(request);

    /// <summary>Forgets every waiting request: someone else answers them.</summary>
    public void Forget() => _waiting.Clear();

    /// <summary>Answers every request still waiting with <paramref name="answer"/> and forgets them.</summary>
    public void AnswerAll(object answer)
    {
        foreach (var (request, sender) in _waiting)
        {
            answered(request);
            sender.Tell(answer, ActorRefs.NoSender);
        }

        _waiting.Clear();
    }
}

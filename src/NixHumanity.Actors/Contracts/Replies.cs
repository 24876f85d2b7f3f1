using Akka.Actor;

namespace NixHumanity.Actors.Contracts;

/// <summary>
/// How a caller outside an actor reads the reply to an ask: the expected reply comes back typed, a
/// <see cref="CommandRejected"/> becomes an <see cref="InvalidInputException"/>, a <see cref="Status.Failure"/> an
/// <see cref="InvalidOperationException"/> with its cause, and anything else is unexpected. The client, its forget and
/// the staging asks between nodes read replies alike.
/// </summary>
internal static class Replies
{
    /// <summary>Returns <paramref name="reply"/> as <typeparamref name="TReply"/>, or throws as above.</summary>
    /// <param name="reply">What the actor answered.</param>
    /// <param name="message">What it was asked (named in the error for an unexpected reply).</param>
    /// <exception cref="InvalidInputException">The actor rejected the message's input.</exception>
    /// <exception cref="InvalidOperationException">The actor failed, or answered with another type.</exception>
    public static TReply Expect<TReply>(object reply, object message) => reply switch
    {
        TReply typed => typed,
        CommandRejected rejected => throw new InvalidInputException(rejected),
        Status.Failure failure => throw new InvalidOperationException(failure.Cause.Message, failure.Cause),
        _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name} to {message.GetType().Name}."),
    };
}

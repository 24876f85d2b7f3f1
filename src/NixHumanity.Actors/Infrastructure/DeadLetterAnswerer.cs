using Akka.Actor;
using Akka.Event;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Subscribed to the actor system's dead letters by <see cref="StoppedTargetAnswers"/>: answers each undelivered ask
/// for a user's tree with the reply <see cref="StoppedTargetAnswers.AnswerFor"/> gives.
/// </summary>
internal sealed class DeadLetterAnswerer : ReceiveActor
{
    /// <summary>Creates the actor.</summary>
    /// <param name="answers">The extension that decides what is owed.</param>
    public DeadLetterAnswerer(StoppedTargetAnswers answers)
    {
        Receive<DeadLetter>(letter =>
        {
            if (answers.AnswerFor(letter.Message, letter.Sender) is { } answer)
            {
                letter.Sender.Tell(answer, ActorRefs.NoSender);
            }
        });
    }
}

using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Answers a request that can no longer reach its actor: an ask (its sender is a temporary reply actor) for a user's
/// session, memory or learner that went to dead letters because the actor had stopped. That happens in the window
/// between a component stopping after a failure and its back-off supervisor seeing it terminate (the supervisor still
/// forwards to the stopped child), and to requests left in the mailbox of an actor that stopped. The asker gets
/// <see cref="TemporarilyUnavailable"/> at once instead of waiting for its timeout. An Akka extension, one per actor
/// system: <c>StoppedTargetAnswers.Get(system)</c> starts it; user trees start it when they start.
/// </summary>
/// <remarks>
/// Only asks are answered: an actor that told a request with itself as the sender (the learner passing preferences to
/// the memory) does not wait for an answer, and a stray <see cref="TemporarilyUnavailable"/> would only be unhandled.
/// A request the stopped actor answered itself before its mailbox went to dead letters (the session answers what it
/// had stashed, <see cref="MarkAnswered"/>) is not answered twice.
/// </remarks>
internal sealed class StoppedTargetAnswers : IExtension
{
    /// <summary>The reason given to the asker.</summary>
    public const string Reason = "stopped before it handled the request";

    private readonly ConditionalWeakTable<object, object> _answered = [];

    /// <summary>Created by <see cref="StoppedTargetAnswersProvider"/> once per actor system.</summary>
    /// <param name="system">The actor system.</param>
    public StoppedTargetAnswers(ExtendedActorSystem system)
    {
        var answerer = system.SystemActorOf(Props.Create(() => new DeadLetterAnswerer(this)), "nixh-stopped-target-answers");

        // Subscribed here, not in the actor's PreStart, so no dead letter published after Get returns is missed.
        system.EventStream.Subscribe(answerer, typeof(DeadLetter));
    }

    /// <summary>The extension of <paramref name="system"/>, started on the first call.</summary>
    /// <param name="system">The actor system.</param>
    public static StoppedTargetAnswers Get(ActorSystem system) => system.WithExtension<StoppedTargetAnswers, StoppedTargetAnswersProvider>();

    /// <summary>
    /// The answer owed to the sender of a request that went to dead letters, or null when none is owed: the message is
    /// not a request of a user's tree, the sender is not waiting on an ask, or the request was answered already.
    /// </summary>
    /// <param name="message">The undelivered message.</param>
    /// <param name="sender">Its sender.</param>
    public TemporarilyUnavailable? AnswerFor(object message, IActorRef? sender)
    {
        if (message is not IUserMessage request || !IsAsk(sender) || _answered.TryGetValue(message, out _))
        {
            return null;
        }

        return new TemporarilyUnavailable(request.UserId, ComponentOf(request), Reason);
    }

    /// <summary>The stopping actor answered <paramref name="request"/> itself: its dead letter needs no answer.</summary>
    /// <param name="request">The request (known by reference).</param>
    public void MarkAnswered(object request) => _answered.AddOrUpdate(request, request);

    private static bool IsAsk(IActorRef? sender) =>
        sender is not null && !sender.IsNobody() && sender.Path.Elements is [ "temp", .. ];

    /// <summary>
    /// The part of a user's tree <paramref name="request"/> is for: <c>session</c>, <c>memory</c>, <c>learner</c>, or
    /// <see cref="TemporarilyUnavailable.WholeTree"/>.
    /// </summary>
    internal static string ComponentOf(IUserMessage request) => request switch
    {
        ICarriedUserRequest { Carried: IUserMessage carried } => ComponentOf(carried),
        ISessionMessage => "session",
        IMemoryMessage => "memory",
        ILearnerMessage => "learner",
        _ => TemporarilyUnavailable.WholeTree,
    };
}

/// <summary>Creates the <see cref="StoppedTargetAnswers"/> of an actor system.</summary>
internal sealed class StoppedTargetAnswersProvider : ExtensionIdProvider<StoppedTargetAnswers>
{
    /// <inheritdoc />
    public override StoppedTargetAnswers CreateExtension(ExtendedActorSystem system) => new(system);
}

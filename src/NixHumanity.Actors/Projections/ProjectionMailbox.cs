using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// A request that only asks how far a projection has got (the memory's and the learner's status): it goes ahead of
/// everything else waiting in the projection's mailbox (<see cref="ProjectionMailbox"/>), and the projection decides
/// whether it answers at once or after what was queued before it (docs/adr/0052).
/// </summary>
internal interface IProgressRequest
{
}

/// <summary>
/// Self-sent by a projection: a progress request taken ahead of the queue, sent to its back to see what was queued before
/// it. A user message, so a projection that fails meanwhile answers it as unavailable like the request itself, and one
/// that stopped before it came round has it answered for the component of the request it carries.
/// </summary>
/// <param name="Request">The progress request.</param>
internal sealed record ProgressAfterQueue(IProgressRequest Request) : Contracts.ICarriedUserRequest
{
    /// <inheritdoc />
    public string UserId => (Request as Contracts.IUserMessage)?.UserId ?? "";

    /// <inheritdoc />
    public object Carried => Request;
}

/// <summary>
/// The mailbox of the projection actors (<c>nixh.projection-mailbox</c>): first in, first out, except that a
/// <see cref="IProgressRequest"/> goes ahead of the other messages waiting. A projection that fell behind has up to
/// <see cref="ProjectionOptions.MaxLiveLag"/> pushed events in its mailbox, handled a dispatcher turn at a time on
/// store threads shared by every projection of the node; a status queued behind them waited for all of those turns
/// (up to a minute in the 100-user soak). Messages of equal priority keep their order, so events and every other
/// request stay in the order they were sent. Stashing works as with the default mailbox (a deque).
/// </summary>
internal sealed class ProjectionMailbox : UnboundedStablePriorityMailbox
{
    /// <summary>The mailbox's configuration path (<c>hocon/akka.conf</c>).</summary>
    public const string Id = "nixh.projection-mailbox";

    /// <summary>Created by Akka from the mailbox's configuration.</summary>
    /// <param name="settings">The actor system's settings.</param>
    /// <param name="config">The mailbox's configuration.</param>
    public ProjectionMailbox(Settings settings, Config config)
        : base(settings, config)
    {
    }

    /// <inheritdoc />
    protected override int PriorityGenerator(object message) => message is IProgressRequest ? 0 : 1;
}

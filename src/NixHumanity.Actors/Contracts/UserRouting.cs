namespace NixHumanity.Actors.Contracts;

/// <summary>A message addressed to one user's actor tree; <c>UserDirectory</c> routes it by <see cref="UserId"/>.</summary>
internal interface IUserMessage
{
    /// <summary>The user this message is for; must match <c>[A-Za-z0-9_-]{1,64}</c>.</summary>
    string UserId { get; }
}

/// <summary>
/// A message that carries a request of a user's tree on its way to the actor that answers it (a projection's status sent
/// to the back of its own mailbox): whoever answers in that actor's place answers it as the request it carries.
/// </summary>
internal interface ICarriedUserRequest : IUserMessage
{
    /// <summary>The request carried.</summary>
    object Carried { get; }
}

/// <summary>A message the user's <c>SessionActor</c> handles.</summary>
internal interface ISessionMessage : IUserMessage;

/// <summary>A message the user's <c>MemoryActor</c> handles.</summary>
internal interface IMemoryMessage : IUserMessage;

/// <summary>A message the user's <c>LearnerActor</c> handles.</summary>
internal interface ILearnerMessage : IUserMessage;

/// <summary>
/// Sent by a <c>UserActor</c> to each child through its mailbox: stop after the messages already queued.
/// Unlike <c>PoisonPill</c> it is an ordinary message, so a persistent actor handles it only after the writes it
/// has in flight and the commands it stashed meanwhile — nothing accepted is dropped by passivation.
/// </summary>
internal sealed record StopGracefully
{
    /// <summary>The single instance.</summary>
    public static readonly StopGracefully Instance = new();
}

/// <summary>
/// Reply sent at once when a child of the user's tree cannot answer: it failed (the request was queued when it did) or is
/// being restarted after a failure. Nothing was done; retrying later may succeed.
/// </summary>
/// <param name="UserId">The user.</param>
/// <param name="Component">
/// Which part: <c>session</c>, <c>memory</c> or <c>learner</c>; <see cref="WholeTree"/> for a request to the user's tree as
/// a whole (an export or a restore staged by the user actor).
/// </param>
/// <param name="Reason">Why, in words (e.g. the store fault, or "restarting after a failure").</param>
/// <param name="DiskFullPath">When the reason is a full disk: the file that could not be written.</param>
public sealed record TemporarilyUnavailable(string UserId, string Component, string Reason = TemporarilyUnavailable.Restarting, string? DiskFullPath = null)
{
    /// <summary>The reason while the back-off supervisor waits to start the component again.</summary>
    public const string Restarting = "restarting after a failure";

    /// <summary>The <see cref="Component"/> of a request to the user's tree as a whole rather than one of its children.</summary>
    public const string WholeTree = "user";
}

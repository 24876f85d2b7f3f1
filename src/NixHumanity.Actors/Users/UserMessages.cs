namespace NixHumanity.Actors.Users;

/// <summary>A message addressed to one user's actor tree; <see cref="UserDirectory"/> routes it by <see cref="UserId"/>.</summary>
public interface IUserMessage
{
    /// <summary>The user this message is for; must match <c>[A-Za-z0-9_-]{1,64}</c>.</summary>
    string UserId { get; }
}

/// <summary>A message the user's <see cref="Session.SessionActor"/> handles.</summary>
public interface ISessionMessage : IUserMessage;

/// <summary>A message the user's <see cref="Memory.MemoryActor"/> handles.</summary>
public interface IMemoryMessage : IUserMessage;

/// <summary>A message the user's <see cref="Learning.LearnerActor"/> handles.</summary>
public interface ILearnerMessage : IUserMessage;

/// <summary>Sent by a <see cref="UserActor"/> to its directory when it has been idle for the passivation timeout.</summary>
/// <param name="UserId">The idle user.</param>
public sealed record PassivateUser(string UserId);

/// <summary>
/// Sent by the directory to an idle <see cref="UserActor"/>: stop the tree once all work already queued is done.
/// </summary>
public sealed record StopUserTree
{
    /// <summary>The single instance.</summary>
    public static readonly StopUserTree Instance = new();
}

/// <summary>
/// Sent by a <see cref="UserActor"/> to each child through its mailbox: stop after the messages already queued.
/// Unlike <c>PoisonPill</c> it is an ordinary message, so a persistent actor handles it only after the writes it
/// has in flight and the commands it stashed meanwhile — nothing accepted is dropped by passivation.
/// </summary>
public sealed record StopGracefully
{
    /// <summary>The single instance.</summary>
    public static readonly StopGracefully Instance = new();
}

/// <summary>Asks the directory which user trees are currently running (diagnostics and tests).</summary>
public sealed record GetActiveUsers
{
    /// <summary>The single instance.</summary>
    public static readonly GetActiveUsers Instance = new();
}

/// <summary>Reply to <see cref="GetActiveUsers"/>.</summary>
/// <param name="UserIds">Users whose tree is running, sorted.</param>
public sealed record ActiveUsers(IReadOnlyList<string> UserIds);

/// <summary>Reply sent while a child of the user's tree is being restarted after a failure; nothing was done.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Component">Which part is restarting: <c>session</c>, <c>memory</c> or <c>learner</c>.</param>
public sealed record TemporarilyUnavailable(string UserId, string Component);

namespace NixHumanity.Actors.Users;

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

/// <summary>Asks the directory which user trees are currently running (diagnostics and tests).</summary>
public sealed record GetActiveUsers
{
    /// <summary>The single instance.</summary>
    public static readonly GetActiveUsers Instance = new();
}

/// <summary>Reply to <see cref="GetActiveUsers"/>.</summary>
/// <param name="UserIds">Users whose tree is running, sorted.</param>
public sealed record ActiveUsers(IReadOnlyList<string> UserIds);

namespace NixHumanity.Actors.Users;

/// <summary>Sent by a <see cref="UserActor"/> to its directory when it has been idle for the passivation timeout.</summary>
/// <param name="UserId">The idle user.</param>
internal sealed record PassivateUser(string UserId);

/// <summary>
/// Sent by the directory to an idle <see cref="UserActor"/>: stop the tree once all work already queued is done.
/// </summary>
internal sealed record StopUserTree
{
    /// <summary>The single instance.</summary>
    public static readonly StopUserTree Instance = new();
}

/// <summary>Asks the directory which user trees are currently running (diagnostics and tests).</summary>
internal sealed record GetActiveUsers
{
    /// <summary>The single instance.</summary>
    public static readonly GetActiveUsers Instance = new();
}

/// <summary>Reply to <see cref="GetActiveUsers"/>.</summary>
/// <param name="UserIds">Users whose tree is running, sorted.</param>
internal sealed record ActiveUsers(IReadOnlyList<string> UserIds);

/// <summary>
/// Cluster mode: asks the directory for every user with a folder in the data directory of any member that is up
/// (users without journal events, e.g. biometric samples only, live only there). Answered with <see cref="KnownUserIds"/>.
/// </summary>
internal sealed record GetKnownUsers
{
    /// <summary>The single instance.</summary>
    public static readonly GetKnownUsers Instance = new();
}

/// <summary>Reply to <see cref="GetKnownUsers"/>.</summary>
/// <param name="UserIds">The users, sorted, without duplicates.</param>
internal sealed record KnownUserIds(IReadOnlyList<string> UserIds);

/// <summary>Cluster mode, between nodes: asks a node's directory for the users with a folder in its data directory.</summary>
internal sealed record GetLocalUserFolders
{
    /// <summary>The single instance.</summary>
    public static readonly GetLocalUserFolders Instance = new();
}

/// <summary>Reply to <see cref="GetLocalUserFolders"/>.</summary>
/// <param name="Node">The answering node's address.</param>
/// <param name="UserIds">The users with a folder there.</param>
internal sealed record LocalUserFolders(string Node, IReadOnlyList<string> UserIds);

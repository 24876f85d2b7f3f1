namespace NixHumanity.Actors.DataPortability.Forget;

/// <summary>
/// Removes a person from every store: their tree is stopped, their journal events and snapshots are deleted for
/// real (no logically deleted rows left), and their folder (memory, analytics, tensor fragments, caches) is
/// removed. Handled by the <c>UserDirectory</c> itself, so nothing of the user runs meanwhile;
/// messages for the user that arrive during the forget wait and then start a fresh, empty tree.
/// Replied to with <see cref="UserForgotten"/> or <see cref="Contracts.CommandRejected"/>.
/// </summary>
/// <param name="UserId">The person to forget.</param>
internal sealed record ForgetUser(string UserId);

/// <summary>The person is gone from every store.</summary>
/// <param name="Report">What was removed.</param>
internal sealed record UserForgotten(ForgetReport Report);

/// <summary>What a forget removed.</summary>
/// <param name="UserId">The person.</param>
/// <param name="JournalEvents">Journal rows deleted.</param>
/// <param name="Snapshots">Snapshot rows deleted.</param>
/// <param name="TagRows">Tag rows deleted.</param>
/// <param name="FilesDeleted">Files deleted under the user's folder and the user's charts.</param>
/// <param name="BytesDeleted">Their total size.</param>
/// <param name="Stores">Each store touched, with what was done, in words.</param>
public sealed record ForgetReport(
    string UserId,
    long JournalEvents,
    long Snapshots,
    long TagRows,
    int FilesDeleted,
    long BytesDeleted,
    IReadOnlyList<string> Stores);

/// <summary>
/// Cluster mode: sent by the node that forgot <paramref name="UserId"/> to every other member's <c>/user/users</c>, which
/// deletes the person's projection copies built before the forget (docs/adr/0023). A node that is not a member at the
/// time finds its stale copies when the person's projections next start there.
/// </summary>
/// <param name="UserId">The person forgotten.</param>
internal sealed record ForgetLocalCopies(string UserId);

/// <summary>Reply to <see cref="ForgetLocalCopies"/>: what the node deleted.</summary>
/// <param name="UserId">The person forgotten.</param>
/// <param name="Node">The answering node's address.</param>
/// <param name="Deleted">The person's component folders deleted there (empty when it held no stale copy).</param>
internal sealed record LocalCopiesForgotten(string UserId, string Node, IReadOnlyList<string> Deleted);

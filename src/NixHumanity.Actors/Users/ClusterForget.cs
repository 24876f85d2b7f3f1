using Akka.Actor;
using Akka.Cluster;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Users;

/// <summary>
/// Forget in cluster mode (docs/adr/0023): what the user's entity runs once the user's tree has stopped, and what every
/// other node runs when asked to drop its copies.
/// </summary>
internal static class ClusterForget
{
    /// <summary>
    /// Erases the user on this node (journal rows, snapshots, tags and the forget marker in one transaction; the local
    /// folder and charts), then asks every other member that is up to delete its stale copies and waits for each answer
    /// (at most <paramref name="askTimeout"/>); the report names what each node deleted, or that it did not answer.
    /// </summary>
    /// <param name="system">This node's actor system.</param>
    /// <param name="settings">Where the journal and this node's data directory are.</param>
    /// <param name="askTimeout">How long another node may take to answer.</param>
    public static Func<string, Task<ForgetReport>> Erase(ActorSystem system, UserSettings settings, TimeSpan askTimeout) => async userId =>
    {
        var report = await UserEraser.EraseAsync(settings.Journal, settings.Data, userId, CancellationToken.None).ConfigureAwait(false);
        var cluster = Cluster.Get(system);
        var others = cluster.State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp && !m.Address.Equals(cluster.SelfAddress))
            .Select(m => m.Address)
            .ToList();
        var answers = await Task.WhenAll(others.Select(address => AskNode(system, address, userId, askTimeout))).ConfigureAwait(false);
        return report with { Stores = [.. report.Stores, .. answers] };
    };

    /// <summary>
    /// Deletes this node's copies of a user built before the journal's current forget generation.
    /// </summary>
    /// <param name="settings">Where the journal and this node's data directory are.</param>
    public static Func<string, IReadOnlyList<string>> DeleteStaleCopies(UserSettings settings) => userId =>
        ProjectionCopies.DeleteStale(settings.Data, userId, ForgottenUsers.Generation(settings.Journal, SessionActor.PersistenceIdFor(userId)));

    /// <summary>The users with a folder under this node's data directory.</summary>
    /// <param name="settings">Where this node's data directory is.</param>
    public static Func<IReadOnlyList<string>> LocalUsers(UserSettings settings) => () =>
        Directory.Exists(settings.Data.UsersFolder)
            ? Directory.EnumerateDirectories(settings.Data.UsersFolder).Select(Path.GetFileName).OfType<string>().Where(InputRules.IsValidId).ToList()
            : [];

    private static async Task<string> AskNode(ActorSystem system, Address address, string userId, TimeSpan askTimeout)
    {
        try
        {
            var reply = await system.ActorSelection(new RootActorPath(address) / "user" / "users")
                .Ask<LocalCopiesForgotten>(new ForgetLocalCopies(userId), askTimeout).ConfigureAwait(false);
            return reply.Deleted.Count == 0
                ? $"node {address}: no copy held"
                : $"node {address}: {string.Join(" and ", reply.Deleted)} copies deleted";
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return $"node {address}: did not answer; its copies are deleted when the person's projections next start there";
        }
    }
}

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Users;

/// <summary>
/// Requests asked through this node whose answer has not come back, answered at once when the member they were sent
/// to is downed and removed (docs/adr/0024, amendment 2026-12-02).
/// </summary>
/// <remarks>
/// A request the region forwards to another node's region is lost if that node dies (or is frozen) before answering:
/// nothing in Akka tells the asker, which waited for its whole ask timeout (five minutes for <c>nixh serve</c>) while
/// the user had long moved. The directory therefore asks the region itself and passes the answer on, keeping each
/// unanswered request with its shard. When a member that was downed (not one that left gracefully, whose shards are
/// handed off with their messages) is removed, the directory asks each remaining region which shards it hosts; every
/// request that was in flight at the removal and whose shard none of them hosts was on its way to the lost node, and
/// is answered <see cref="TemporarilyUnavailable"/> with <see cref="LostWithNode"/> (exit 3 for a verb). Sent again, it
/// waits in the region until sharding has placed the shard on a remaining node. Asks only: a request an actor sent
/// with itself as the sender is forwarded as before.
/// </remarks>
internal sealed partial class ShardedUserDirectory
{
    /// <summary>The reason given for a request that was on its way to a node the cluster downed.</summary>
    public const string LostWithNode =
        "its node was downed and removed from the cluster while the request was on its way there; it may or may not have been done: send it again, it reaches the user's new node";

    /// <summary>
    /// How long the directory waits for an answer it passes on: longer than any caller waits (a restore waits three ask
    /// timeouts), so a caller never misses a late answer; the entry of an answer that never comes goes after it.
    /// </summary>
    private const int InFlightLimitInAsks = 6;

    /// <summary>
    /// How long each remaining region may take to say which shards it hosts. The lost node's shards are placed
    /// elsewhere only after the removal margin (the resolver's stable-after, 20 s), so an answer within this bound
    /// cannot list them yet.
    /// </summary>
    private static readonly TimeSpan PlacementLimit = TimeSpan.FromSeconds(10);

    private readonly Dictionary<long, InFlight> _inFlight = [];
    private long _lastRequest;

    /// <summary>Follows member removals, when this directory tracks its requests (cluster mode).</summary>
    private void WatchRemovals()
    {
        if (_shards is null)
        {
            return;
        }

        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        Receive<ClusterEvent.MemberRemoved>(Removed);
        Receive<InFlightEnded>(Ended);
        Receive<PlacementRead>(AnswerLost);
    }

    /// <summary>Asks the region for <paramref name="message"/> on behalf of its asker, keeping it until answered.</summary>
    private void AskTracked(IUserMessage message, IMessageExtractor shards)
    {
        var id = ++_lastRequest;
        _inFlight[id] = new InFlight(Sender, message, shards.ShardId(message.UserId, message));
        _region.Ask<object>(message, _askTimeout * InFlightLimitInAsks)
            .ContinueWith(
                asked => new InFlightEnded(id, asked switch
                {
                    { IsCompletedSuccessfully: true } => asked.Result,
                    // The asker waited less than this and has given up: nothing to pass on.
                    { Exception.InnerException: AskTimeoutException } => null,
                    { Exception.InnerException: { } cause } => new Status.Failure(cause),
                    _ => null,
                }),
                TaskScheduler.Default)
            .PipeTo(Self);
    }

    private void Ended(InFlightEnded ended)
    {
        if (_inFlight.Remove(ended.Id, out var request) && ended.Reply is { } reply)
        {
            request.Asker.Tell(reply, ActorRefs.NoSender);
        }
    }

    private void Removed(ClusterEvent.MemberRemoved removed)
    {
        // A member that left gracefully handed its shards off, with the messages queued for them.
        if (removed.PreviousStatus != MemberStatus.Down || _inFlight.Count == 0)
        {
            return;
        }

        var lost = removed.Member.Address;
        var inFlight = _inFlight.Keys.ToImmutableArray();

        // Each remaining member's region is asked for its own shards. Not sharding's cluster-wide statistics: the
        // coordinator still lists the lost region until the removal margin has passed, waits for it, and then answers
        // with no region at all.
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var regions = cluster.State.Members
            .Where(m => m.Address != lost && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving)
            .Select(m => m.Address == cluster.SelfAddress
                ? _region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, PlacementLimit)
                : Context.System.ActorSelection(new RootActorPath(m.Address) / _region.Path.Elements)
                    .Ask<ShardRegionStats>(GetShardRegionStats.Instance, PlacementLimit))
            .ToList();
        Task.WhenAll(regions)
            .ContinueWith(
                stats => new PlacementRead(lost, inFlight, stats.IsCompletedSuccessfully
                    ? stats.Result.SelectMany(region => region.Stats.Keys).ToImmutableHashSet()
                    : null),
                TaskScheduler.Default)
            .PipeTo(Self);
    }

    private void AnswerLost(PlacementRead read)
    {
        if (read.LiveShards is null)
        {
            // No answer in time: the requests keep waiting for theirs (or their asker's timeout), as without tracking.
            Context.GetLogger().Warning(
                "{0} was downed; a remaining member did not say in time which shards it hosts, so requests in flight to it wait for their timeout",
                read.Lost);
            return;
        }

        var answered = 0;
        foreach (var id in read.InFlight)
        {
            if (_inFlight.TryGetValue(id, out var request) && !read.LiveShards.Contains(request.Shard))
            {
                _inFlight.Remove(id);
                request.Asker.Tell(new TemporarilyUnavailable(request.Message.UserId, StoppedTargetAnswers.ComponentOf(request.Message), LostWithNode), ActorRefs.NoSender);
                answered++;
            }
        }

        if (answered > 0)
        {
            Context.GetLogger().Info("{0} was downed: answered {1} requests that were on their way to it (send them again)", read.Lost, answered);
        }
    }

    /// <summary>Whether <paramref name="sender"/> waits on an ask (a temporary reply actor), as a client's request does.</summary>
    private static bool IsAsker(IActorRef sender) => !sender.IsNobody() && sender.Path.Elements is ["temp", ..];

    /// <summary>A request asked through this directory, not answered yet.</summary>
    private sealed record InFlight(IActorRef Asker, IUserMessage Message, string Shard);

    /// <summary>The region answered request <paramref name="Id"/> (or the ask ended without an answer to pass on: null).</summary>
    private sealed record InFlightEnded(long Id, object? Reply);

    /// <summary>The shards the remaining regions host after <paramref name="Lost"/> was removed (null: no answer in time).</summary>
    private sealed record PlacementRead(Address Lost, ImmutableArray<long> InFlight, ImmutableHashSet<string>? LiveShards);
}

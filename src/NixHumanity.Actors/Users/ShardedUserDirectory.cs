using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.DataPortability.Restore;

namespace NixHumanity.Actors.Users;

/// <summary>
/// Cluster mode's <c>/user/users</c>: what <see cref="UserDirectory"/> is in a single process, in front of the shard
/// region of the users. It checks the user id before anything travels, forwards every <see cref="IUserMessage"/> to
/// the region (which delivers it to the one node hosting the user), and answers <see cref="GetActiveUsers"/> with
/// the users whose tree runs on this node.
/// </summary>
/// <remarks>
/// A forget goes through the region to the user's entity, which erases the user on the node hosting it and then asks
/// every other member's directory to delete its stale copies (<see cref="ForgetLocalCopies"/>, docs/adr/0023).
/// An export asked on another node reads the parts this node's users staged through here, in chunks
/// (<see cref="ReadStagedExport"/>, <see cref="ReleaseStagedExport"/>, docs/adr/0044); a restore asked on another
/// node writes the export's files into this node's staging through here (<see cref="WriteStagedRestore"/>,
/// docs/adr/0048). Staging folders nobody has touched for the staging's idle limit (a caller that died mid-transfer)
/// are deleted by a sweep every quarter of that limit, timed by the injected clock.
/// </remarks>
internal sealed partial class ShardedUserDirectory : ReceiveActor
{
    private readonly IActorRef _region;
    private readonly Action _onSystemTerminated;
    private readonly TimeSpan _askTimeout;
    private readonly Func<string, IReadOnlyList<string>> _deleteStaleCopies;
    private readonly Func<IReadOnlyList<string>> _localUsers;
    private readonly ExportStaging? _staging;
    private readonly TimeProvider _clock;
    private readonly IMessageExtractor? _shards;
    private ITimer? _stagingSweep;

    /// <summary>Creates the front of <paramref name="region"/>.</summary>
    /// <param name="region">The shard region of the users on this node.</param>
    /// <param name="onSystemTerminated">Releases what the trees shared (the embedder), once the actor system has terminated.</param>
    /// <param name="askTimeout">How long the region may take to say which users run here.</param>
    /// <param name="deleteStaleCopies">Deletes this node's copies of a forgotten user built before the forget; returns
    /// the component folders deleted (blocking file and database work: run off the actor's thread).</param>
    /// <param name="localUsers">The users with a folder in this node's data directory (swept for stale copies on start).</param>
    /// <param name="staging">This node's export staging folders (read by other nodes, swept on start); null: none.</param>
    /// <param name="clock">Times the sweep of idle staging folders; null: the system clock.</param>
    /// <param name="shards">The region's routing, to track the requests asked through here and answer those lost with
    /// a downed node (needs the cluster); null: requests are forwarded untracked.</param>
    public ShardedUserDirectory(
        IActorRef region, Action onSystemTerminated, TimeSpan askTimeout, Func<string, IReadOnlyList<string>> deleteStaleCopies, Func<IReadOnlyList<string>> localUsers,
        ExportStaging? staging = null, TimeProvider? clock = null, IMessageExtractor? shards = null)
    {
        _shards = shards;
        _staging = staging;
        _clock = clock ?? TimeProvider.System;
        _region = region;
        _onSystemTerminated = onSystemTerminated;
        _askTimeout = askTimeout;
        _deleteStaleCopies = deleteStaleCopies;
        _localUsers = localUsers;
        Receive<IUserMessage>(Route);
        Receive<ForgetUser>(Forget);
        Receive<ForgetLocalCopies>(DeleteLocalCopies);
        Receive<GetActiveUsers>(_ => AnswerActiveUsers());
        Receive<GetLocalUserFolders>(_ =>
        {
            var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
            var local = _localUsers;
            Task.Run(() => new LocalUserFolders(node, local())).PipeTo(Sender);
        });
        Receive<GetKnownUsers>(_ => AnswerKnownUsers());
        Receive<ReadStagedExport>(ReadStaged);
        Receive<ReleaseStagedExport>(ReleaseStaged);
        Receive<WriteStagedRestore>(WriteStaged);
        Receive<SweepIdleStaging>(_ => SweepIdle());
        WatchRemovals();
    }

    /// <summary>Props of the front of <paramref name="region"/>.</summary>
    public static Props Props(
        IActorRef region, Action onSystemTerminated, TimeSpan askTimeout, Func<string, IReadOnlyList<string>> deleteStaleCopies, Func<IReadOnlyList<string>> localUsers,
        ExportStaging? staging = null, TimeProvider? clock = null, IMessageExtractor? shards = null) =>
        Akka.Actor.Props.Create(() => new ShardedUserDirectory(region, onSystemTerminated, askTimeout, deleteStaleCopies, localUsers, staging, clock, shards));

    /// <inheritdoc />
    /// <remarks>
    /// Also sweeps this node's data directory for copies of people forgotten while the node was away (docs/adr/0023),
    /// in the background: a stale copy is never served meanwhile (each projection checks its copy on start).
    /// </remarks>
    protected override void PreStart()
    {
        Context.System.RegisterOnTermination(_onSystemTerminated);
        var log = Context.GetLogger();
        var delete = _deleteStaleCopies;
        var users = _localUsers;
        var staging = _staging;
        if (staging is not null)
        {
            var self = Self;
            var period = staging.IdleLimit / 4;
            _stagingSweep = _clock.CreateTimer(_ => self.Tell(SweepIdleStaging.Instance), null, period, period);
        }

        Task.Run(() =>
        {
            try
            {
                // No transfer survives a restart: what a caller had not read by then is of no use to anyone.
                if (staging?.Sweep() is > 0 and var swept)
                {
                    log.Info("Deleted {0} export staging folders left by an earlier run", swept);
                }

                foreach (var user in users())
                {
                    if (delete(user) is { Count: > 0 } deleted)
                    {
                        log.Info("{0} was forgotten while this node was away: deleted its {1} copies", user, string.Join(" and ", deleted));
                    }
                }
            }
            catch (Exception ex)
            {
                log.Warning("Could not sweep the data directory for copies of forgotten users ({0}); each is still deleted when its projections start", ex.Message);
            }
        });
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stagingSweep?.Dispose();
        if (_shards is not null)
        {
            Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        }
    }

    private void Route(IUserMessage message)
    {
        if (InputRules.Id("userId", message.UserId) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        if (_shards is { } shards && IsAsker(Sender))
        {
            AskTracked(message, shards);
            return;
        }

        _region.Forward(message);
    }

    private void Forget(ForgetUser request)
    {
        if (InputRules.Id("userId", request.UserId) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        _region.Forward(request);
    }

    private void ReadStaged(ReadStagedExport request)
    {
        if (_staging is not { } staging)
        {
            Sender.Tell(new CommandRejected("export", "this node stages no exports"));
            return;
        }

        // A refusal: unknown export, path outside it.
        AnswerOffThread(() => staging.Read(request));
    }

    private void ReleaseStaged(ReleaseStagedExport request)
    {
        if (_staging is not { } staging)
        {
            return;
        }

        var log = Context.GetLogger();
        Task.Run(() =>
        {
            try
            {
                staging.Release(request.ExportId);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidInputException)
            {
                log.Warning("Could not delete the staging folder of export {0} ({1}); it goes when the node next starts", request.ExportId, ex.Message);
            }
        });
    }

    private void WriteStaged(WriteStagedRestore request)
    {
        if (_staging is not { } staging)
        {
            Sender.Tell(new CommandRejected("restore", "this node takes no restores from other nodes"));
            return;
        }

        // A refusal: unknown restore, path outside it, wrong offset.
        AnswerOffThread(() => new StagedRestoreWritten(request.TransferId, request.Path, staging.Write(request.TransferId, request.Path, request.Offset, request.Data)));
    }

    /// <summary>Answers the sender with what <paramref name="stagingWork"/> returns, run off the actor's thread (it
    /// reads or writes staged files), or with the rejection it throws.</summary>
    private void AnswerOffThread(Func<object> stagingWork) =>
        Task.Run(() =>
        {
            try
            {
                return stagingWork();
            }
            catch (InvalidInputException ex)
            {
                return ex.Rejection;
            }
        }).PipeTo(Sender);

    private void SweepIdle()
    {
        if (_staging is not { } staging)
        {
            return;
        }

        var log = Context.GetLogger();
        Task.Run(() =>
        {
            try
            {
                if (staging.SweepIdle() is { Count: > 0 } deleted)
                {
                    log.Info("Deleted {0} staging folders nobody had touched for {1} (their callers died or gave up): {2}",
                        deleted.Count, staging.IdleLimit, string.Join(", ", deleted));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                log.Warning("Could not sweep idle staging folders ({0}); the next sweep tries again", ex.Message);
            }
        });
    }

    private void DeleteLocalCopies(ForgetLocalCopies request)
    {
        if (InputRules.Id("userId", request.UserId) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        var delete = _deleteStaleCopies;
        Task.Run(() => new LocalCopiesForgotten(request.UserId, node, delete(request.UserId))).PipeTo(Sender);
    }

    /// <summary>
    /// Every member that is up is asked for its user folders (this one included, through the same message); a member
    /// that does not answer fails the whole request rather than leave its users out of a cross-user answer.
    /// </summary>
    private void AnswerKnownUsers()
    {
        var members = Akka.Cluster.Cluster.Get(Context.System).State.Members
            .Where(m => m.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp)
            .Select(m => m.Address)
            .ToList();
        var system = Context.System;
        var timeout = _askTimeout;
        Task.WhenAll(members.Select(address => system.ActorSelection(new RootActorPath(address) / "user" / "users")
                .Ask<LocalUserFolders>(GetLocalUserFolders.Instance, timeout)))
            .PipeTo(Sender, success: answers => new KnownUserIds(
                answers.SelectMany(a => a.UserIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()));
    }

    private void AnswerActiveUsers()
    {
        // The region's own state is local: the entities of the shards this node hosts, which is what "active here" means.
        _region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, _askTimeout)
            .PipeTo(Sender, success: state => new ActiveUsers(
                state.Shards.SelectMany(shard => shard.EntityIds).Order(StringComparer.Ordinal).ToList()));
    }

    /// <summary>Time to delete the staging folders nobody has touched for the idle limit.</summary>
    private sealed record SweepIdleStaging
    {
        public static readonly SweepIdleStaging Instance = new();
    }
}

using Akka.Actor;
using Akka.Cluster.Sharding;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.DataPortability.Restore;

namespace NixHumanity.Actors.Users;

/// <summary>
/// A user as a sharded entity (cluster mode): holds the user's <see cref="UserActor"/> tree, exactly as
/// <see cref="UserDirectory"/> holds it in a single process, translates the tree's passivation into the shard's, and
/// forgets the user where the user lives (docs/adr/0023).
/// </summary>
/// <remarks>
/// <para>
/// The tree is created on the user's first message, not with the entity: a forget routed to a user who is not running
/// starts the entity only, never a session recovery and two projection catch-ups that would be erased at once.
/// </para>
/// <para>
/// The tree asks its parent to be stopped when idle (<see cref="PassivateUser"/>); here that becomes
/// <see cref="Passivate"/> with <see cref="StopUserTree"/> as the stop message, so the shard buffers the user's new
/// messages while work already queued finishes, as the directory does. A hand-off (rebalance, graceful leave) sends
/// the same <see cref="StopUserTree"/> (the shard region's hand-off stop message), so the session's writes in flight
/// complete before the user starts on another node.
/// </para>
/// <para>
/// <b>Forget.</b> Sharding delivers <see cref="ForgetUser"/> here, on the one node running the user: the tree is
/// stopped through its mailbox (work already accepted finishes), the user's messages arriving meanwhile are held, the
/// erasure runs with nothing of the user running anywhere, and then the held messages start a fresh, empty tree. A
/// hand-off (or passivation) asked for during the erasure stops the entity once the erasure is done; the messages held
/// until then are answered <see cref="TemporarilyUnavailable"/> (<see cref="MovedDuringForget"/>) before it stops, so
/// their callers learn at once to send again (the next attempt reaches the user's new node) instead of waiting out
/// their timeout.
/// </para>
/// <para>
/// <b>Export.</b> <see cref="StageExport"/> (an export asked on another node) is staged here, on the node hosting the
/// user: the tree's memory and learner write their parts into this node's staging folder (docs/adr/0044). A restore
/// asked on another node opens a staging folder here (<see cref="OpenRestoreStaging"/>), and once the caller has
/// written the export's files into it, the tree's session and learner restore from it (<see cref="RestoreFromStaging"/>,
/// docs/adr/0048).
/// </para>
/// </remarks>
internal sealed class UserEntity : ReceiveActor, IWithUnboundedStash
{
    /// <summary>The rule a second forget of a user being forgotten is rejected with.</summary>
    public const string AlreadyForgetting = "is already being forgotten";

    /// <summary>Why a message held during a forget is not delivered when the user moves (or passivates) meanwhile.</summary>
    public const string MovedDuringForget = "the user was handed to another node (or passivated) while being forgotten; nothing was done, send it again";

    private readonly string _userId;
    private readonly Func<string, Props> _userTree;
    private readonly Func<string, Task<ForgetReport>> _forget;
    private readonly ExportStaging? _staging;
    private readonly TimeSpan _askTimeout;
    private IActorRef? _tree;
    private IActorRef? _forgetRequester;
    private bool _stopRequested;

    /// <summary>Creates the entity of <paramref name="userId"/> with the tree <paramref name="userTree"/> makes.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="userTree">Props of the user's tree.</param>
    /// <param name="forget">Erases everything stored about the user, once nothing of the user runs.</param>
    /// <param name="staging">This node's export staging folders; null: exports asked from other nodes are refused.</param>
    /// <param name="askTimeout">How long the memory or the learner may take to stage its part of an export.</param>
    public UserEntity(string userId, Func<string, Props> userTree, Func<string, Task<ForgetReport>> forget, ExportStaging? staging, TimeSpan askTimeout)
    {
        _userId = userId;
        _userTree = userTree;
        _forget = forget;
        _staging = staging;
        _askTimeout = askTimeout;
        Active();
    }

    /// <summary>Set by Akka: the user's messages held while the user is being forgotten.</summary>
    public IStash Stash { get; set; } = null!;

    /// <summary>Props of the entity of <paramref name="userId"/>, which cannot forget (forget is rejected).</summary>
    public static Props Props(string userId, Func<string, Props> userTree) =>
        Props(userId, userTree, _ => Task.FromException<ForgetReport>(new InvalidOperationException("This entity was created without an eraser.")));

    /// <summary>Props of the entity of <paramref name="userId"/>, forgetting with <paramref name="forget"/>.</summary>
    public static Props Props(string userId, Func<string, Props> userTree, Func<string, Task<ForgetReport>> forget) =>
        Props(userId, userTree, forget, null, TimeSpan.FromSeconds(10));

    /// <summary>Props of the entity of <paramref name="userId"/>, forgetting with <paramref name="forget"/> and staging
    /// exports in <paramref name="staging"/>.</summary>
    public static Props Props(string userId, Func<string, Props> userTree, Func<string, Task<ForgetReport>> forget, ExportStaging? staging, TimeSpan askTimeout) =>
        Akka.Actor.Props.Create(() => new UserEntity(userId, userTree, forget, staging, askTimeout));

    private void Active()
    {
        Receive<StageExport>(Stage);
        Receive<OpenRestoreStaging>(OpenRestore);
        Receive<RestoreFromStaging>(Restore);
        Receive<IUserMessage>(message => Tree().Forward(message));
        Receive<PassivateUser>(_ => Context.Parent.Tell(new Passivate(StopUserTree.Instance)));
        Receive<StopUserTree>(_ =>
        {
            _stopRequested = true;
            if (_tree is null)
            {
                Context.Stop(Self);
            }
            else
            {
                _tree.Tell(StopUserTree.Instance);
            }
        });
        Receive<ForgetUser>(BeginForget);
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_tree))
            {
                Context.Stop(Self);
            }
        });
    }

    private void Forgetting()
    {
        Receive<IUserMessage>(_ => Stash.Stash());
        Receive<ForgetUser>(_ => Sender.Tell(new CommandRejected("userId", AlreadyForgetting)));
        Receive<StopUserTree>(_ => _stopRequested = true);
        Receive<PassivateUser>(_ => { });
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_tree))
            {
                _tree = null;
                StartErasure();
            }
        });
        Receive<Erased>(OnErased);
    }

    private IActorRef Tree()
    {
        if (_tree is null)
        {
            _tree = Context.ActorOf(_userTree(_userId), UserDirectory.ChildName(_userId));
            Context.Watch(_tree);
        }

        return _tree;
    }

    private void BeginForget(ForgetUser request)
    {
        _forgetRequester = Sender;
        Become(Forgetting);
        if (_tree is null)
        {
            StartErasure();
        }
        else if (!_stopRequested)
        {
            _tree.Tell(StopUserTree.Instance);
        }
    }

    private void Stage(StageExport request)
    {
        if (_staging is null)
        {
            Sender.Tell(new CommandRejected("export", "this node does not stage exports for other nodes"));
            return;
        }

        var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        ExportStager.RunAsync(Context.System, _staging, Tree(), request, node, _askTimeout).PipeTo(Sender);
    }

    private void OpenRestore(OpenRestoreStaging request)
    {
        Sender.Tell(_staging is null
            ? new CommandRejected("restore", "this node does not take restores from other nodes")
            : RestoreStager.Open(_staging, request, Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString()));
    }

    private void Restore(RestoreFromStaging request)
    {
        if (_staging is null)
        {
            Sender.Tell(new CommandRejected("restore", "this node does not take restores from other nodes"));
            return;
        }

        var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        RestoreStager.RunAsync(Context.System, _staging, Tree(), request, node, _askTimeout).PipeTo(Sender);
    }

    private void StartErasure() =>
        _forget(_userId).PipeTo(Self, success: report => new Erased(report, null), failure: ex => new Erased(null, ex));

    private void OnErased(Erased erased)
    {
        _forgetRequester?.Tell(erased.Report is { } report ? new UserForgotten(report) : new Status.Failure(erased.Failure!));
        _forgetRequester = null;
        if (_stopRequested)
        {
            // The shard stops this entity next and does not deliver what it holds: answered now, a caller retries at
            // once (reaching the user's next node) rather than waiting out its timeout (docs/adr/0023, addendum).
            foreach (var held in Stash.ClearStash())
            {
                if (held.Message is IUserMessage message)
                {
                    held.Sender.Tell(new TemporarilyUnavailable(message.UserId, "session", MovedDuringForget));
                }
            }

            Context.Stop(Self);
            return;
        }

        Become(Active);
        Stash.UnstashAll();
    }

    /// <summary>The erasure finished (with a report) or failed.</summary>
    private sealed record Erased(ForgetReport? Report, Exception? Failure);
}

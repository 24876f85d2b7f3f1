using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Forget;

namespace NixHumanity.Actors.Users;

/// <summary>
/// The entry point of the user trees (<c>/user/users</c>): creates a <see cref="UserActor"/> named
/// <c>user-{id}</c> on a user's first message and routes every <see cref="IUserMessage"/> to it. It rejects ids
/// that are not <c>[A-Za-z0-9_-]{1,64}</c> before anything is created.
/// </summary>
/// <remarks>
/// Passivation follows the sharding hand-off: an idle user tree asks to be stopped, the directory tells it to stop
/// through its mailbox (so messages already queued are still handled, see <see cref="StopUserTree"/>) and buffers new messages for that user until the
/// tree has terminated, then starts a fresh tree, which recovers from the journal, and delivers them.
/// </remarks>
internal sealed class UserDirectory : ReceiveActor
{
    private readonly Func<string, Props> _userTree;
    private readonly Func<string, Task<ForgetReport>> _erase;
    private readonly Action _onSystemTerminated;
    private readonly Dictionary<string, List<(IUserMessage Message, IActorRef Sender)>> _buffered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _forgetting = new(StringComparer.Ordinal);

    /// <summary>Creates the directory of the real user trees; see <see cref="Props(UserSettings, TimeProvider)"/>.</summary>
    public UserDirectory(UserSettings settings, TimeProvider clock, Func<string, Task<ForgetReport>> erase)
        : this(userId => UserActor.Props(userId, settings, clock), erase, settings.Memory.Embedder.Dispose)
    {
    }

    /// <summary>Creates a directory whose user trees <paramref name="userTree"/> makes.</summary>
    /// <param name="userTree">Props of the tree of a user id.</param>
    /// <param name="erase">Removes everything stored about a user (forget), once nothing of the user runs.</param>
    /// <param name="onSystemTerminated">Releases what the trees shared, once the actor system has terminated.</param>
    public UserDirectory(Func<string, Props> userTree, Func<string, Task<ForgetReport>> erase, Action onSystemTerminated)
    {
        _userTree = userTree;
        _erase = erase;
        _onSystemTerminated = onSystemTerminated;

        Receive<IUserMessage>(Route);
        Receive<PassivateUser>(Passivate);
        Receive<ForgetUser>(Forget);
        Receive<Erased>(OnErased);
        Receive<Terminated>(OnTerminated);
        Receive<GetActiveUsers>(_ => Sender.Tell(new ActiveUsers(
            Context.GetChildren().Select(c => c.Path.Name["user-".Length..]).Order(StringComparer.Ordinal).ToList())));
    }

    /// <summary>Props for the directory of the trees configured by <paramref name="settings"/>.</summary>
    /// <param name="settings">The configuration, with the actor system's embedder (disposed when the system terminates).</param>
    /// <param name="clock">Time source of the session actors.</param>
    public static Props Props(UserSettings settings, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new UserDirectory(
            settings, clock, userId => UserEraser.EraseAsync(settings.Journal, settings.Data, userId, CancellationToken.None)));

    /// <summary>Props for a directory of the trees <paramref name="userTree"/> makes, erasing with <paramref name="erase"/>.</summary>
    /// <param name="userTree">Props of the tree of a user id.</param>
    /// <param name="erase">Removes everything stored about a user (forget).</param>
    public static Props Props(Func<string, Props> userTree, Func<string, Task<ForgetReport>> erase)
    {
        Action nothingShared = () => { };
        return Akka.Actor.Props.Create(() => new UserDirectory(userTree, erase, nothingShared));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The shared embedder is released when the actor system has terminated (every memory actor has stopped by
    /// then), not in PostStop, which a restart of the directory would also run while the embedder is still needed.
    /// </remarks>
    protected override void PreStart() => Context.System.RegisterOnTermination(_onSystemTerminated);

    /// <summary>The child actor name of a user's tree.</summary>
    public static string ChildName(string userId) => $"user-{userId}";

    private void Route(IUserMessage message)
    {
        if (InputRules.Id("userId", message.UserId) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        if (_buffered.TryGetValue(message.UserId, out var buffer))
        {
            buffer.Add((message, Sender));
            return;
        }

        UserTree(message.UserId).Forward(message);
    }

    private IActorRef UserTree(string userId)
    {
        var name = ChildName(userId);
        var child = Context.Child(name);
        if (!child.IsNobody())
        {
            return child;
        }

        child = Context.ActorOf(_userTree(userId), name);
        Context.Watch(child);
        return child;
    }

    private void Passivate(PassivateUser request)
    {
        var child = Context.Child(ChildName(request.UserId));
        if (child.IsNobody() || _buffered.ContainsKey(request.UserId))
        {
            return;
        }

        _buffered[request.UserId] = [];
        child.Tell(StopUserTree.Instance);
    }

    private void OnTerminated(Terminated terminated)
    {
        var userId = terminated.ActorRef.Path.Name["user-".Length..];
        if (_forgetting.ContainsKey(userId))
        {
            StartErasure(userId);
            return;
        }

        DeliverBuffered(userId);
    }

    private void DeliverBuffered(string userId)
    {
        if (!_buffered.Remove(userId, out var buffer) || buffer.Count == 0)
        {
            return;
        }

        var tree = UserTree(userId);
        foreach (var (message, sender) in buffer)
        {
            tree.Tell(message, sender);
        }
    }

    /// <summary>
    /// Forget: hold the user's messages, stop the tree through its mailbox (work already accepted finishes), then
    /// erase with nothing of the user running.
    /// </summary>
    private void Forget(ForgetUser request)
    {
        if (InputRules.Id("userId", request.UserId) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        if (_forgetting.ContainsKey(request.UserId))
        {
            Sender.Tell(new CommandRejected("userId", "is already being forgotten"));
            return;
        }

        _forgetting[request.UserId] = Sender;
        var alreadyStopping = _buffered.ContainsKey(request.UserId);
        _buffered.TryAdd(request.UserId, []);
        var child = Context.Child(ChildName(request.UserId));
        if (child.IsNobody())
        {
            StartErasure(request.UserId);
        }
        else if (!alreadyStopping)
        {
            child.Tell(StopUserTree.Instance);
        }
    }

    private void StartErasure(string userId) =>
        _erase(userId).PipeTo(Self, success: report => new Erased(userId, report, null), failure: ex => new Erased(userId, null, ex));

    private void OnErased(Erased erased)
    {
        _forgetting.Remove(erased.UserId, out var requester);
        if (erased.Report is { } report)
        {
            requester?.Tell(new UserForgotten(report));
        }
        else
        {
            requester?.Tell(new Status.Failure(erased.Failure!));
        }

        DeliverBuffered(erased.UserId);
    }

    /// <summary>The erasure of a user finished (with a report) or failed.</summary>
    private sealed record Erased(string UserId, ForgetReport? Report, Exception? Failure);
}

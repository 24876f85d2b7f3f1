using Akka.Actor;
using Akka.Pattern;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Users;

/// <summary>
/// Supervisor of one person's tree: <c>session</c>, <c>memory</c> and <c>learner</c>. Each child sits under an
/// Akka <see cref="BackoffSupervisor"/>: when it throws (its store failed) or stops (a journal write failed) it is
/// started again after an exponentially growing delay and recovers from the journal and its checkpoint. While a
/// child is down, commands for it are answered with <see cref="TemporarilyUnavailable"/>, never silently dropped.
/// After <see cref="UserSettings.PassivationTimeout"/> without messages the tree asks its directory to stop it; the
/// directory answers with <see cref="StopUserTree"/>, and the children are stopped through their mailboxes so that
/// work already accepted (a journal write in flight, a recovery in progress) completes first.
/// With <see cref="UserSettings.StartComponentsOnDemand"/> each child is started only when the first message for it
/// arrives (a short-lived process answers one request); the session then publishes its events through this actor,
/// which passes them to the projections already started (one not started reads them from the journal when it starts).
/// </summary>
internal sealed class UserActor : ReceiveActor
{
    private const double BackoffRandomFactor = 0.2;

    /// <summary>The dispatcher of the store-owning actors (<c>hocon/akka.conf</c>).</summary>
    public const string StoreDispatcher = "nixh.store-dispatcher";

    private readonly string _userId;
    private readonly UserSettings _settings;
    private readonly List<IActorRef> _children = [];
    private readonly Dictionary<string, Func<Props>> _notStarted = new(StringComparer.Ordinal);

    /// <summary>Where the children publish their progress, so a status is answered here without a store thread (docs/adr/0053).</summary>
    private readonly ProgressBoard _board = new();
    private readonly ProjectionOptions _projections;

    /// <summary>Creates the actor with the real children; see <see cref="Props(string, UserSettings, TimeProvider)"/>.</summary>
    public UserActor(string userId, UserSettings settings, TimeProvider clock)
        : this(userId, settings, clock, UserChildren.Default)
    {
    }

    /// <summary>Creates the actor with the children that <paramref name="children"/> makes.</summary>
    public UserActor(string userId, UserSettings settings, TimeProvider clock, UserChildren children)
    {
        _userId = userId;
        _projections = settings.Projections;

        // Asks that reach a child after it stopped (before its back-off supervisor has seen it terminate) go to dead
        // letters; the system's answerer replies to them with TemporarilyUnavailable instead of leaving them to time out.
        StoppedTargetAnswers.Get(Context.System);
        _settings = settings;
        if (settings.StartComponentsOnDemand)
        {
            // This actor stands in for the components not started yet: what one sends another comes through here.
            _notStarted["memory"] = () => children.Memory(userId, settings, clock, _board);
            _notStarted["learner"] = () => children.Learner(userId, settings, clock, Self, _board);
            // The session publishes each event to its "memory" and its "learner": here, once, and this actor passes
            // it to both projections (Nobody as the learner, or each event would arrive twice).
            _notStarted["session"] = () => children.Session(userId, settings, clock, Self, ActorRefs.Nobody, _board);
        }
        else
        {
            var memory = StartSupervised("memory", children.Memory(userId, settings, clock, _board), settings);
            var learner = StartSupervised("learner", children.Learner(userId, settings, clock, memory, _board), settings);
            StartSupervised("session", children.Session(userId, settings, clock, memory, learner, _board), settings);
        }

        Receive<ISessionMessage>(msg => Component("session").Forward(msg));
        Receive<SessionEventPublished>(msg =>
        {
            // A projection not started yet reads the event from the journal when it starts.
            Context.Child("memory").Forward(msg);
            Context.Child("learner").Forward(msg);
        });
        Receive<GetMemoryStatus>(status => AnswerProgress("memory", status));
        Receive<GetLearnerStatus>(status => AnswerProgress("learner", status));
        Receive<GetLikelyNext>(AnswerLikelyNext);
        Receive<IMemoryMessage>(msg => Component("memory").Forward(msg));
        Receive<ILearnerMessage>(msg => Component("learner").Forward(msg));
        Receive<ReceiveTimeout>(_ => Context.Parent.Tell(new PassivateUser(_userId)));
        Receive<StopUserTree>(_ => StopChildrenGracefully());

        Context.SetReceiveTimeout(settings.PassivationTimeout);
    }

    /// <summary>Props for a user's tree.</summary>
    public static Props Props(string userId, UserSettings settings, TimeProvider clock) =>
        Props(userId, settings, clock, UserChildren.Default);

    /// <summary>Props for a user's tree whose children <paramref name="children"/> makes.</summary>
    public static Props Props(string userId, UserSettings settings, TimeProvider clock, UserChildren children) =>
        Akka.Actor.Props.Create(() => new UserActor(userId, settings, clock, children));

    /// <summary>
    /// Stops the session first and the projection owners after it, so every event the session publishes before it
    /// stops is already queued for them; then stops itself.
    /// </summary>
    private void StopChildrenGracefully()
    {
        Context.SetReceiveTimeout(null);
        _notStarted.Clear();
        var session = Context.Child("session");
        var projections = _children.Where(c => !c.Equals(session)).ToList();
        var running = _children.Count;
        if (running == 0)
        {
            Context.Stop(Self);
            return;
        }

        // Without a session (not started on demand) nothing more is published: the projections stop at once.
        (session.IsNobody() ? projections : [session]).ForEach(c => c.Tell(StopGracefully.Instance));
        Become(() =>
        {
            Receive<Terminated>(terminated =>
            {
                if (terminated.ActorRef.Equals(session))
                {
                    projections.ForEach(p => p.Tell(StopGracefully.Instance));
                }

                if (--running == 0)
                {
                    Context.Stop(Self);
                }
            });
            // The directory buffers new messages once it asked us to stop; anything still arriving is forwarded by
            // the same rules so it reaches a child that has not stopped yet (or dead letters, as for any stopped actor).
            Receive<ISessionMessage>(msg => session.Forward(msg));
            Receive<IMemoryMessage>(msg => Context.Child("memory").Forward(msg));
            Receive<ILearnerMessage>(msg => Context.Child("learner").Forward(msg));
        });
    }

    /// <summary>
    /// A memory's or learner's status: answered here from the progress the component published on the board when that
    /// counts every event the session has published, or when the component is behind by more than a batch; otherwise
    /// (a few events not yet applied, nothing published: not started, catching up at start, restarting) the component
    /// is asked as before, so the answer still counts every write acknowledged before the request (docs/adr/0053).
    /// </summary>
    private void AnswerProgress(string component, IUserMessage status)
    {
        if (_board.ProgressAtOnce(component, _projections.ReplayBatchSize) is { } published)
        {
            Sender.Tell(published);
            return;
        }

        Component(component).Forward(status);
    }

    /// <summary>
    /// <c>status</c>'s likely next commands: the learner's latest published prediction, or the learner's own answer when
    /// none is published (docs/adr/0053).
    /// </summary>
    private void AnswerLikelyNext(GetLikelyNext request)
    {
        if (request.Limit is >= 1 and <= LikelyNextCache.MinimumLimit
            && _board.Latest(ProgressBoard.LikelyNextSlot)?.Answer is NextCommands published)
        {
            // The probabilities are shares of all transitions, so a shorter list is a prefix of the published one.
            Sender.Tell(published.Next.Count <= request.Limit ? published : published with { Next = [.. published.Next.Take(request.Limit)] });
            return;
        }

        Component("learner").Forward(new SuggestNextCommands(request.UserId, request.Limit));
    }

    /// <summary>The child <paramref name="name"/>, started now if it is started on demand and not yet running.</summary>
    private IActorRef Component(string name)
    {
        if (_notStarted.Remove(name, out var props))
        {
            return StartSupervised(name, props(), _settings);
        }

        return Context.Child(name);
    }

    private IActorRef StartSupervised(string name, Props childProps, UserSettings settings)
    {
        // A thrown exception stops the child (the strategy below); a journal failure stops a persistent actor by
        // itself. Either way the back-off supervisor starts it again after the delay, so one policy covers both.
        var options = Backoff.OnStop(childProps, name, settings.MinBackoff, settings.MaxBackoff, BackoffRandomFactor, maxNrOfRetries: -1)
            .WithAutoReset(TimeSpan.FromTicks(settings.MaxBackoff.Ticks * 3))
            .WithSupervisorStrategy(new OneForOneStrategy(_ =>
            {
                Telemetry.Restarts.Add(1, new KeyValuePair<string, object?>(Telemetry.ComponentAttribute, name));
                return Directive.Stop;
            }))
            .WithReplyWhileStopped(new TemporarilyUnavailable(_userId, name))
            .WithFinalStopMessage(message => message is StopGracefully);
        var supervisor = Context.ActorOf(BackoffSupervisor.Props(options), name);
        Context.Watch(supervisor);
        _children.Add(supervisor);
        return supervisor;
    }
}

using Akka.Actor;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// How long the projections of a node that is shutting down may spend folding their logs into their files when their
/// users are handed off (a cluster node leaving gracefully hands every user to another node; docs/adr/0039). One per
/// actor system: the clock starts with the first checkpoint asked for during the shutdown, and once
/// <see cref="Budget"/> has passed the remaining stores close without a checkpoint, as every store of a stopping node
/// did before (their logs are durable and replayed on the next open, ADR 0033). The checkpoints run one after the other
/// on the two store threads, so the budget bounds what they add to the stop whatever the number of users.
/// </summary>
internal sealed class ShutdownCheckpointBudget : IExtension
{
    /// <summary>
    /// The time the checkpoints of a stopping node may take together: well inside coordinated shutdown's 10 s phases,
    /// which the stop of a node holding 2,000 users must also fit (issue 16 point 6).
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    /// <summary>A log smaller than this is left to the next open while the node stops: replaying it costs less than
    /// the disk syncs of a checkpoint, so the budget goes to the users whose logs a return would pay for.</summary>
    public const long SmallLogBytes = 64 * 1024;

    private readonly TimeProvider _clock;
    private long _firstAsked = -1;

    /// <summary>A budget timed by <paramref name="clock"/>.</summary>
    public ShutdownCheckpointBudget(TimeProvider clock) => _clock = clock;

    /// <summary>The budget of <paramref name="system"/>.</summary>
    public static ShutdownCheckpointBudget Get(ActorSystem system) => system.WithExtension<ShutdownCheckpointBudget, ShutdownCheckpointBudgetProvider>();

    /// <summary>
    /// Whether a store whose logs hold <paramref name="logBytes"/> may be checkpointed now that the node stops: when
    /// its log is not small and the budget is not spent.
    /// </summary>
    public bool Allows(long logBytes)
    {
        if (logBytes < SmallLogBytes)
        {
            return false;
        }

        Interlocked.CompareExchange(ref _firstAsked, _clock.GetTimestamp(), -1);
        return _clock.GetElapsedTime(Interlocked.Read(ref _firstAsked)) < Budget;
    }
}

/// <summary>Creates the <see cref="ShutdownCheckpointBudget"/> of an actor system.</summary>
internal sealed class ShutdownCheckpointBudgetProvider : ExtensionIdProvider<ShutdownCheckpointBudget>
{
    /// <inheritdoc />
    public override ShutdownCheckpointBudget CreateExtension(ExtendedActorSystem system) => new(TimeProvider.System);
}

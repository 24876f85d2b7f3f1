using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Users;

/// <summary>What the user tree needs from configuration, resolved once by the host from its options.</summary>
/// <param name="Data">The data directory layout.</param>
/// <param name="Session">Session actor settings.</param>
/// <param name="PassivationTimeout">Idle time after which a user's tree is stopped.</param>
/// <param name="MinBackoff">First restart delay of a failed child.</param>
/// <param name="MaxBackoff">Longest restart delay of a repeatedly failing child.</param>
/// <param name="Memory">The embedder (one per actor system) and options every memory actor uses.</param>
/// <param name="Journal">Where the journal lives (forget erases the user's rows there).</param>
internal sealed record UserSettings(
    DataDirectory Data,
    SessionSettings Session,
    TimeSpan PassivationTimeout,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    MemorySettings Memory,
    JournalLocation Journal)
{
    /// <summary>How often each learner folds new interactions into its preference tensor.</summary>
    public TimeSpan FoldInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How the memory and learner projections catch up with the journal (batch size, progress logging).</summary>
    public ProjectionOptions Projections { get; init; } = new();

    /// <summary>
    /// Whether each of the person's session, memory and learner starts only when the first message for it arrives,
    /// instead of all three with the tree (the host's option <c>StartComponentsOnDemand</c>).
    /// </summary>
    public bool StartComponentsOnDemand { get; init; }
}

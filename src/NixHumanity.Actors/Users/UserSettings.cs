using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Storage;

namespace NixHumanity.Actors.Users;

/// <summary>What the user tree needs from configuration, resolved once from <see cref="Hosting.NixHumanityOptions"/>.</summary>
/// <param name="Data">The data directory layout.</param>
/// <param name="Session">Session actor settings.</param>
/// <param name="PassivationTimeout">Idle time after which a user's tree is stopped.</param>
/// <param name="MinBackoff">First restart delay of a failed child.</param>
/// <param name="MaxBackoff">Longest restart delay of a repeatedly failing child.</param>
/// <param name="Memory">The embedder (one per actor system) and options every memory actor uses.</param>
public sealed record UserSettings(
    DataDirectory Data,
    SessionSettings Session,
    TimeSpan PassivationTimeout,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    MemorySettings Memory)
{
    /// <summary>How often each learner folds new interactions into its preference tensor.</summary>
    public TimeSpan FoldInterval { get; init; } = TimeSpan.FromSeconds(30);
}

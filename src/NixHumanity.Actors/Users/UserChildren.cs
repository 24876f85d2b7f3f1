using Akka.Actor;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Users;

/// <summary>
/// How a <see cref="UserActor"/> makes the Props of its three children. <see cref="Default"/> makes the real
/// session, memory and learner actors; behavioural specs pass stand-ins so the supervisor can be tested alone.
/// </summary>
/// <param name="Memory">Props of the memory actor of a user, given the clock of the tree and the user's progress board.</param>
/// <param name="Learner">Props of the learner actor of a user, given the user's memory actor and progress board.</param>
/// <param name="Session">Props of the session actor of a user, given the user's memory and learner actors and progress board.</param>
/// <remarks>The progress board (docs/adr/0053) is the tree's: the real children publish on it; stand-ins may ignore it,
/// and the tree then asks them every status itself.</remarks>
internal sealed record UserChildren(
    Func<string, UserSettings, TimeProvider, ProgressBoard, Props> Memory,
    Func<string, UserSettings, TimeProvider, IActorRef, ProgressBoard, Props> Learner,
    Func<string, UserSettings, TimeProvider, IActorRef, IActorRef, ProgressBoard, Props> Session)
{
    /// <summary>
    /// The production children. The projection owners do blocking file work (DuckDB, Parquet, ONNX); they run on
    /// their own threads so a hundred of them starting at once cannot starve the default dispatcher the sessions and
    /// the journal use, and a mailbox that lets a status go ahead of the events waiting (<see cref="ProjectionMailbox"/>).
    /// </summary>
    public static readonly UserChildren Default = new(
        (userId, settings, clock, board) => MemoryActor.Props(
                userId,
                settings.Data.ComponentFolder(userId, "memory"),
                // Every memory of the data directory attaches to one DuckDB instance locked to its users' folder (docs/adr/0036).
                settings.Memory with { SharedStoreFolder = settings.Data.UsersFolder },
                settings.Projections,
                clock,
                null,
                board)
            .WithDispatcher(UserActor.StoreDispatcher)
            .WithMailbox(ProjectionMailbox.Id),
        (userId, settings, clock, memory, board) => LearnerActor.Props(userId, settings.Data.ComponentFolder(userId, "learner"), settings.FoldInterval, settings.Projections, clock, memory,
                null,
                settings.Memory.Embedder.Dimensions,
                // Its files attach to the data directory's learners' instance, which closes with the node (docs/adr/0047).
                sharedStoreFolder: settings.Data.UsersFolder,
                board: board)
            .WithDispatcher(UserActor.StoreDispatcher)
            .WithMailbox(ProjectionMailbox.Id),
        (userId, settings, clock, memory, learner, board) => SessionActor.Props(userId, settings.Session, clock, memory, learner, board.Journal));
}

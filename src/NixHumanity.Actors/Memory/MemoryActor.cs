using Akka.Actor;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// Owner of the user's semantic memory folder (<c>users/&lt;id&gt;/memory</c>). It receives every durable session
/// event with its sequence number; the embedding store and search that project them live here (see the
/// semantic-memory issue). Until then it keeps only its checkpoint, in memory.
/// </summary>
public sealed class MemoryActor : ReceiveActor
{
    private readonly string _userId;
    private readonly string _folder;
    private long _lastSequenceNr;
    private long _eventsApplied;

    /// <summary>Creates the actor; see <see cref="Props"/>.</summary>
    public MemoryActor(string userId, string folder)
    {
        _userId = userId;
        _folder = folder;
        Receive<SessionEventPublished>(Apply);
        Receive<StopGracefully>(_ => Context.Stop(Self));
        Receive<GetMemoryStatus>(_ => Sender.Tell(new ProjectionStatus("memory", _userId, _lastSequenceNr, _eventsApplied, _folder)));
    }

    /// <summary>Props for a user's memory actor owning <paramref name="folder"/>.</summary>
    public static Props Props(string userId, string folder) => Akka.Actor.Props.Create(() => new MemoryActor(userId, folder));

    /// <inheritdoc />
    protected override void PreStart() => Directory.CreateDirectory(_folder);

    private void Apply(SessionEventPublished published)
    {
        // Exactly once: an event at or below the checkpoint was already applied.
        if (published.SequenceNr <= _lastSequenceNr)
        {
            return;
        }

        _lastSequenceNr = published.SequenceNr;
        _eventsApplied++;
    }
}

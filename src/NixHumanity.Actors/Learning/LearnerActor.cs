using Akka.Actor;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// Owner of the user's learning folder (<c>users/&lt;id&gt;/learner</c>). It receives every durable session
/// event with its sequence number; the analytics store and preference tensors that project them live here (see the
/// learner issue). Until then it keeps only its checkpoint, in memory.
/// </summary>
public sealed class LearnerActor : ReceiveActor
{
    private readonly string _userId;
    private readonly string _folder;
    private long _lastSequenceNr;
    private long _eventsApplied;

    /// <summary>Creates the actor; see <see cref="Props"/>.</summary>
    public LearnerActor(string userId, string folder)
    {
        _userId = userId;
        _folder = folder;
        Receive<SessionEventPublished>(Apply);
        Receive<StopGracefully>(_ => Context.Stop(Self));
        Receive<GetLearnerStatus>(_ => Sender.Tell(new ProjectionStatus("learner", _userId, _lastSequenceNr, _eventsApplied, _folder)));
    }

    /// <summary>Props for a user's learner actor owning <paramref name="folder"/>.</summary>
    public static Props Props(string userId, string folder) => Akka.Actor.Props.Create(() => new LearnerActor(userId, folder));

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

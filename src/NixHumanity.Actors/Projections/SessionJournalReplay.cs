using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams.Dsl;
using Akka.Streams;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// Catch-up of a projection (the memory and learner actors) with a user's session journal: streams the events after
/// its checkpoint to the calling actor in batches, back-pressured, as <see cref="JournalReplayStarted"/>,
/// <see cref="JournalReplayBatch"/>es, then <see cref="JournalReplayCompleted"/> or <see cref="JournalReplayFailed"/>.
/// </summary>
/// <remarks>
/// The actor must answer <see cref="JournalReplayStarted"/> and every <see cref="JournalReplayBatch"/> with
/// <see cref="JournalReplayAck"/> (to <c>Sender</c>); the next batch is read only after that, so a projection never
/// holds more than one batch in memory however long the journal is. What it does with a batch, how it logs progress
/// and what it stashes meanwhile stay with the actor. The stream is materialised as a child of the actor, so it stops
/// with it (a restarted actor starts a new catch-up from its own checkpoint).
/// </remarks>
internal static class SessionJournalReplay
{
    /// <summary>
    /// Starts reading <paramref name="userId"/>'s session journal after <paramref name="afterSequenceNr"/> to the
    /// end as it is now, sending the messages of this protocol to <paramref name="context"/>'s <c>Self</c>.
    /// </summary>
    /// <param name="context">The projection actor's context; the stream runs under it and reports to its <c>Self</c>.</param>
    /// <param name="userId">The person whose session journal is read.</param>
    /// <param name="afterSequenceNr">The projection's checkpoint: the last sequence number it has applied (0 for none).</param>
    /// <param name="batchSize">At most this many events per <see cref="JournalReplayBatch"/>.</param>
    public static void Start(IActorContext context, string userId, long afterSequenceNr, int batchSize)
    {
        var journal = PersistenceQuery.Get(context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        journal.CurrentEventsByPersistenceId(SessionActor.PersistenceIdFor(userId), afterSequenceNr + 1, long.MaxValue)
            .Select(envelope => new JournalItem(envelope.SequenceNr, envelope.Event))
            .Grouped(batchSize)
            .Select(items => new JournalReplayBatch(items.ToList()))
            .RunWith(
                Sink.ActorRefWithAck<JournalReplayBatch>(
                    context.Self,
                    JournalReplayStarted.Instance,
                    JournalReplayAck.Instance,
                    JournalReplayCompleted.Instance,
                    ex => new JournalReplayFailed(ex)),
                context.Materializer());
    }
}

/// <summary>
/// One journaled event with its sequence number, as read: every event is passed on (each projection decides which
/// ones it applies, and the memory moves its checkpoint over all of them).
/// </summary>
/// <param name="SequenceNr">The event's journal sequence number.</param>
/// <param name="Event">The event (in practice an <see cref="ISessionEvent"/>, the only kind the session persists).</param>
internal sealed record JournalItem(long SequenceNr, object Event);

/// <summary>The catch-up stream is ready; answer with <see cref="JournalReplayAck"/> to receive the first batch.</summary>
internal sealed record JournalReplayStarted
{
    /// <summary>The only instance.</summary>
    public static readonly JournalReplayStarted Instance = new();
}

/// <summary>The next events of the journal, in sequence order; answer with <see cref="JournalReplayAck"/> once applied.</summary>
/// <param name="Items">One to the batch size of events, in sequence order.</param>
internal sealed record JournalReplayBatch(IReadOnlyList<JournalItem> Items);

/// <summary>The projection's answer to <see cref="JournalReplayStarted"/> and to each batch: send the next one.</summary>
internal sealed record JournalReplayAck
{
    /// <summary>The only instance.</summary>
    public static readonly JournalReplayAck Instance = new();
}

/// <summary>Every event that was in the journal when the catch-up started has been sent and acknowledged.</summary>
internal sealed record JournalReplayCompleted
{
    /// <summary>The only instance.</summary>
    public static readonly JournalReplayCompleted Instance = new();
}

/// <summary>Reading the journal failed; the stream has stopped.</summary>
/// <param name="Cause">What the journal query threw.</param>
internal sealed record JournalReplayFailed(Exception Cause);

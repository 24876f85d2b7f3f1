using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// Where a projection's catch-up reads the journal from: starts a stream that sends the calling actor the protocol
/// below (<see cref="JournalReplayStarted"/>, <see cref="JournalReplayBatch"/>es, then
/// <see cref="JournalReplayCompleted"/> or <see cref="JournalReplayFailed"/>). <see cref="SessionJournalReplay"/> in
/// production; a list of events in the projection specs.
/// </summary>
internal interface IJournalSource
{
    /// <summary>
    /// Starts reading <paramref name="userId"/>'s events after <paramref name="afterSequenceNr"/> to the end as it
    /// is now, sending the messages of the protocol to <paramref name="context"/>'s <c>Self</c>.
    /// </summary>
    /// <param name="context">The projection actor's context; the stream runs under it and reports to its <c>Self</c>.</param>
    /// <param name="userId">The person whose session journal is read.</param>
    /// <param name="afterSequenceNr">The projection's checkpoint: the last sequence number it has applied (0 for none).</param>
    /// <param name="batchSize">At most this many events per <see cref="JournalReplayBatch"/>.</param>
    void Start(IActorContext context, string userId, long afterSequenceNr, int batchSize);

    /// <summary>
    /// Which journal this is and how far it goes for <paramref name="userId"/> now; null when the journal cannot say
    /// (a journal without an identity table, e.g. an in-memory journal in specs), and then nothing is checked.
    /// </summary>
    /// <param name="system">The actor system whose journal is asked.</param>
    /// <param name="userId">The person.</param>
    /// <param name="clock">Stamps a journal identity created now.</param>
    /// <exception cref="Infrastructure.StoreFaultException">The journal database cannot be read.</exception>
    JournalPosition? Describe(ActorSystem system, string userId, TimeProvider clock);

    /// <summary>
    /// The <see cref="EventFingerprint"/> of <paramref name="userId"/>'s event <paramref name="sequenceNr"/> as the journal
    /// holds it now; null when the journal holds no such event or cannot say (then nothing is checked).
    /// </summary>
    /// <param name="system">The actor system whose journal (and serializer) is used.</param>
    /// <param name="userId">The person.</param>
    /// <param name="sequenceNr">The event's sequence number (a projection's checkpoint).</param>
    /// <exception cref="Infrastructure.StoreFaultException">The journal database cannot be read.</exception>
    string? FingerprintAt(ActorSystem system, string userId, long sequenceNr);
}

/// <summary>What a journal says about itself for one person.</summary>
/// <param name="Identity">The journal's identity (<see cref="Infrastructure.JournalIdentity"/>).</param>
/// <param name="HighestSequenceNr">The highest sequence number it holds for the person (0 for none).</param>
/// <param name="Generation">The person's forget generation (<see cref="Infrastructure.ForgottenUsers"/>); null when
/// the person was never forgotten in this journal.</param>
internal sealed record JournalPosition(string Identity, long HighestSequenceNr, string? Generation = null);

/// <summary>
/// Catch-up of a projection (the memory and learner actors) with a user's session journal: on SQLite read from the
/// journal file directly (<see cref="SqliteJournalReader"/>), otherwise through Akka persistence query; either way the
/// events after its checkpoint go to the calling actor in batches, back-pressured.
/// </summary>
/// <remarks>
/// The actor must answer <see cref="JournalReplayStarted"/> and every <see cref="JournalReplayBatch"/> with
/// <see cref="JournalReplayAck"/> (to <c>Sender</c>); the next batch is read only after that, so a projection never
/// holds more than one batch in memory however long the journal is. The stream is materialised as a child of the
/// actor, so it stops with it (a restarted actor starts a new catch-up from its own checkpoint).
/// </remarks>
internal sealed class SessionJournalReplay : IJournalSource
{
    /// <summary>The only instance.</summary>
    public static readonly SessionJournalReplay Instance = new();

    private SessionJournalReplay()
    {
    }

    /// <inheritdoc />
    public void Start(IActorContext context, string userId, long afterSequenceNr, int batchSize)
    {
        if (JournalLocation.FromConfig(context.System.Settings.Config) is { Provider: JournalProvider.Sqlite } sqlite)
        {
            // The SQLite journal is a file of this machine: read it directly, without the plugin's read side (ADR 0035).
            context.ActorOf(SqliteJournalReader.Props(
                sqlite.ConnectionString, SessionActor.PersistenceIdFor(userId), afterSequenceNr, batchSize, context.Self));
            return;
        }

        var system = context.System;
        var self = context.Self;
        var materializer = context.Materializer();
        // The read journal is created only once the journal is ready: its own start-up wait has a fixed 5 s bound,
        // which a loaded machine exceeds. The wait is on an answer, not a clock; a failure ends the catch-up as any
        // journal failure does.
        JournalReadiness.ReadJournalAsync(system).ContinueWith(
            created =>
            {
                if (!created.IsCompletedSuccessfully)
                {
                    self.Tell(new JournalReplayFailed(created.Exception?.GetBaseException() ?? new TaskCanceledException()));
                    return;
                }

                try
                {
                    // The session persists nothing but session events; anything else would be no projection's input.
                    var events = created.Result.CurrentEventsByPersistenceId(SessionActor.PersistenceIdFor(userId), afterSequenceNr + 1, long.MaxValue)
                        .Where(envelope => envelope.Event is ISessionEvent)
                        .Select(envelope => new JournaledSessionEvent(envelope.SequenceNr, (ISessionEvent)envelope.Event));
                    Run(self, materializer, events, batchSize);
                }
                catch (Exception ex)
                {
                    // The actor stopped meanwhile (its materializer with it).
                    self.Tell(new JournalReplayFailed(ex));
                }
            },
            TaskScheduler.Default);
    }

    /// <inheritdoc />
    public JournalPosition? Describe(ActorSystem system, string userId, TimeProvider clock) =>
        JournalLocation.FromConfig(system.Settings.Config) is { } location
            ? new JournalPosition(
                JournalIdentity.Ensure(location, clock),
                JournalIdentity.HighestSequenceNr(location, SessionActor.PersistenceIdFor(userId)),
                ForgottenUsers.Generation(location, SessionActor.PersistenceIdFor(userId)))
            : null;

    /// <inheritdoc />
    public string? FingerprintAt(ActorSystem system, string userId, long sequenceNr)
    {
        if (JournalLocation.FromConfig(system.Settings.Config) is not { } location
            || JournalIdentity.EventAt(location, SessionActor.PersistenceIdFor(userId), sequenceNr) is not { SerializerId: { } serializer } stored)
        {
            return null;
        }

        // Read with the serializer that wrote it, as a replay would; a row that is no session event has no fingerprint.
        return system.Serialization.Deserialize(stored.Message, serializer, stored.Manifest) is ISessionEvent evt
            ? EventFingerprint.Of(evt)
            : null;
    }

    /// <summary>Sends <paramref name="events"/> to <paramref name="context"/>'s <c>Self</c> in batches with the replay protocol.</summary>
    /// <param name="context">The projection actor's context.</param>
    /// <param name="events">The events to replay, in sequence order.</param>
    /// <param name="batchSize">At most this many events per <see cref="JournalReplayBatch"/>.</param>
    public static void Run(IActorContext context, Source<JournaledSessionEvent, NotUsed> events, int batchSize) =>
        Run(context.Self, context.Materializer(), events, batchSize);

    private static void Run(IActorRef projection, IMaterializer materializer, Source<JournaledSessionEvent, NotUsed> events, int batchSize) =>
        events
            .Grouped(batchSize)
            .Select(items => new JournalReplayBatch(items.ToList()))
            .RunWith(
                Sink.ActorRefWithAck<JournalReplayBatch>(
                    projection,
                    JournalReplayStarted.Instance,
                    JournalReplayAck.Instance,
                    JournalReplayCompleted.Instance,
                    ex => new JournalReplayFailed(ex)),
                materializer);
}

/// <summary>The catch-up stream is ready; answer with <see cref="JournalReplayAck"/> to receive the first batch.</summary>
internal sealed record JournalReplayStarted
{
    /// <summary>The only instance.</summary>
    public static readonly JournalReplayStarted Instance = new();
}

/// <summary>The next events of the journal, in sequence order; answer with <see cref="JournalReplayAck"/> once applied.</summary>
/// <param name="Items">One to the batch size of events, in sequence order.</param>
internal sealed record JournalReplayBatch(IReadOnlyList<JournaledSessionEvent> Items);

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

using Akka.Actor;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// A projection's catch-up read straight from the SQLite journal file: the rows of one persistence id after the
/// projection's checkpoint, up to the highest sequence number the journal held when the reader started, sent to the
/// projection with the catch-up protocol (<see cref="JournalReplayStarted"/>, one <see cref="JournalReplayBatch"/> per
/// <see cref="JournalReplayAck"/>, then <see cref="JournalReplayCompleted"/> or <see cref="JournalReplayFailed"/>).
/// </summary>
/// <remarks>
/// The same rows Akka persistence query reads, deserialized the same way (<see cref="SqliteJournalRows"/>), without the
/// plugin's read side (ADR 0035). Runs as a child of the projection, so it stops with it; one SQLite connection per
/// batch, never held between batches.
/// </remarks>
internal sealed class SqliteJournalReader : ReceiveActor
{
    private readonly string _connectionString;
    private readonly string _persistenceId;
    private readonly int _batchSize;
    private readonly IActorRef _projection;
    private readonly Akka.Serialization.Serialization _serialization;
    private long _after;
    private long _upTo;

    /// <summary>Creates the reader; see <see cref="Props"/>.</summary>
    public SqliteJournalReader(string connectionString, string persistenceId, long afterSequenceNr, int batchSize, IActorRef projection)
    {
        _connectionString = connectionString;
        _persistenceId = persistenceId;
        _after = afterSequenceNr;
        _batchSize = batchSize;
        _projection = projection;
        _serialization = Context.System.Serialization;
        Receive<JournalReplayAck>(_ => SendNextBatch());
    }

    /// <summary>Props of a reader of <paramref name="persistenceId"/>'s rows after <paramref name="afterSequenceNr"/>.</summary>
    /// <param name="connectionString">The SQLite journal's connection string.</param>
    /// <param name="persistenceId">The persistence id whose events are read.</param>
    /// <param name="afterSequenceNr">The projection's checkpoint (0 for none).</param>
    /// <param name="batchSize">At most this many events per batch.</param>
    /// <param name="projection">The projection catching up.</param>
    public static Props Props(string connectionString, string persistenceId, long afterSequenceNr, int batchSize, IActorRef projection) =>
        Akka.Actor.Props.Create(() => new SqliteJournalReader(connectionString, persistenceId, afterSequenceNr, batchSize, projection));

    /// <inheritdoc />
    protected override void PreStart()
    {
        if (Attempt(() => _upTo = HighestSequenceNr()))
        {
            _projection.Tell(JournalReplayStarted.Instance, Self);
        }
    }

    private void SendNextBatch()
    {
        List<JournaledSessionEvent> batch = [];
        if (!Attempt(() => batch = ReadBatch()))
        {
            return;
        }

        if (batch.Count == 0)
        {
            _projection.Tell(JournalReplayCompleted.Instance, Self);
            Context.Stop(Self);
            return;
        }

        _projection.Tell(new JournalReplayBatch(batch), Self);
    }

    /// <summary>Runs <paramref name="read"/>; a failure is the projection's <see cref="JournalReplayFailed"/>, and the reader stops.</summary>
    private bool Attempt(Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (Exception ex)
        {
            _projection.Tell(new JournalReplayFailed(ex), Self);
            Context.Stop(Self);
            return false;
        }
    }

    private long HighestSequenceNr()
    {
        using var connection = SqliteJournalRows.Open(_connectionString);
        return SqliteJournalRows.HighestSequenceNr(connection, _persistenceId);
    }

    /// <summary>The next events after <see cref="_after"/>, up to <see cref="_upTo"/>; empty when there are none.</summary>
    private List<JournaledSessionEvent> ReadBatch()
    {
        var batch = new List<JournaledSessionEvent>();
        while (batch.Count == 0 && _after < _upTo)
        {
            using var connection = SqliteJournalRows.Open(_connectionString);
            (var events, _after) = SessionHistory.ReadPage(connection, _serialization, _persistenceId, _after, _upTo, _batchSize);
            batch.AddRange(events);
        }

        return batch;
    }
}

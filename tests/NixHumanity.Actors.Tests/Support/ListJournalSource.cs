using Akka.Streams.Dsl;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// A session journal for projection specs: a list of events the spec appends to, replayed with the real protocol
/// (<see cref="SessionJournalReplay.Run"/>). Remembers every catch-up it was asked for.
/// </summary>
internal sealed class ListJournalSource : IJournalSource
{
    private readonly object _gate = new();
    private readonly List<JournaledSessionEvent> _events = [];
    private readonly List<(long After, int BatchSize)> _starts = [];

    /// <summary>Every catch-up started so far: after which sequence number, in batches of how many.</summary>
    public IReadOnlyList<(long After, int BatchSize)> Starts
    {
        get
        {
            lock (_gate)
            {
                return _starts.ToList();
            }
        }
    }

    /// <summary>The identity <see cref="Describe"/> reports (change it to simulate another journal); null: the journal
    /// cannot say, as an in-memory journal, and nothing is checked.</summary>
    public string? Identity { get; set; }

    /// <summary>The person's forget generation <see cref="Describe"/> reports (null: never forgotten).</summary>
    public string? Generation { get; set; }

    /// <summary>Runs at the start of every <see cref="Describe"/>, on the projection's thread (a spec holds it there).</summary>
    public Action? OnDescribe { get; set; }

    /// <summary>Drops every event after <paramref name="sequenceNr"/> (a journal restored from an older copy).</summary>
    public void TruncateAfter(long sequenceNr)
    {
        lock (_gate)
        {
            _events.RemoveAll(e => e.SequenceNr > sequenceNr);
        }
    }

    /// <inheritdoc />
    public JournalPosition? Describe(Akka.Actor.ActorSystem system, string userId, TimeProvider clock)
    {
        OnDescribe?.Invoke();
        lock (_gate)
        {
            return Identity is null ? null : new JournalPosition(Identity, _events.Count == 0 ? 0 : _events[^1].SequenceNr, Generation);
        }
    }

    /// <inheritdoc />
    public string? FingerprintAt(Akka.Actor.ActorSystem system, string userId, long sequenceNr)
    {
        lock (_gate)
        {
            return Identity is null || _events.Find(e => e.SequenceNr == sequenceNr) is not { } found ? null : EventFingerprint.Of(found.Event);
        }
    }

    /// <summary>Appends events numbered after the last one; returns them.</summary>
    public IReadOnlyList<JournaledSessionEvent> Append(params ISessionEvent[] events)
    {
        lock (_gate)
        {
            var appended = events.Select((e, i) => new JournaledSessionEvent(_events.Count + i + 1, e)).ToList();
            _events.AddRange(appended);
            return appended;
        }
    }

    /// <inheritdoc />
    public void Start(Akka.Actor.IActorContext context, string userId, long afterSequenceNr, int batchSize)
    {
        List<JournaledSessionEvent> replay;
        lock (_gate)
        {
            _starts.Add((afterSequenceNr, batchSize));
            replay = _events.Where(e => e.SequenceNr > afterSequenceNr).ToList();
        }

        SessionJournalReplay.Run(context, Source.From(replay), batchSize);
    }
}

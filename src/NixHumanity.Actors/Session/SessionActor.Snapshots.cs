using Akka.Persistence;

namespace NixHumanity.Actors.Session;

// The session's snapshots: one every SnapshotInterval events, and the older ones deleted once a newer one is saved.
internal sealed partial class SessionActor
{
    /// <summary>The sequence number at which the last snapshot was asked for (or recovered from).</summary>
    private long _lastSnapshotSequenceNr;

    /// <summary>The sequence number of the newest snapshot whose save has succeeded (0 before the first).</summary>
    private long _newestSavedSnapshotSequenceNr;

    /// <summary>
    /// Deletes every snapshot older than the newest one saved so far, at each save's success. The snapshot store runs a
    /// delete and an earlier save concurrently: a delete sent at the newer save's success could run before the older
    /// save was written and leave it behind for good (ImportSpecs found two snapshots in a CI run). Whichever success
    /// comes last deletes up to the newest, so an older snapshot goes once its own save has succeeded.
    /// </summary>
    private void DeleteOlderSnapshots(SaveSnapshotSuccess success)
    {
        _newestSavedSnapshotSequenceNr = Math.Max(_newestSavedSnapshotSequenceNr, success.Metadata.SequenceNr);
        DeleteSnapshots(new SnapshotSelectionCriteria(_newestSavedSnapshotSequenceNr - 1));
    }

    private void SnapshotIfDue()
    {
        if (LastSequenceNr - _lastSnapshotSequenceNr < _settings.SnapshotInterval)
        {
            return;
        }

        SaveSnapshot(_state);
        _lastSnapshotSequenceNr = LastSequenceNr;
    }
}

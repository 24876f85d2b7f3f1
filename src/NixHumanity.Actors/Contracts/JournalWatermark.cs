namespace NixHumanity.Actors.Contracts;

/// <summary>
/// The highest journal sequence number a user's session has persisted and published to its projections, written by
/// the session before it tells them (and so before it acknowledges the caller) and read by the user's tree when it
/// answers a status from the projections' published progress (<c>Projections.ProgressBoard</c>, docs/adr/0053).
/// One per user tree; it outlives a restart of the session.
/// </summary>
internal sealed class JournalWatermark
{
    private long _through;

    /// <summary>The highest sequence number published so far (0 for none).</summary>
    public long Through => Volatile.Read(ref _through);

    /// <summary>Raises the watermark to <paramref name="sequenceNr"/> (never lowers it).</summary>
    /// <param name="sequenceNr">The sequence number of an event the session is about to publish.</param>
    public void Advance(long sequenceNr)
    {
        var seen = Volatile.Read(ref _through);
        while (sequenceNr > seen)
        {
            var before = Interlocked.CompareExchange(ref _through, sequenceNr, seen);
            if (before == seen)
            {
                return;
            }

            seen = before;
        }
    }
}

namespace NixHumanity.Soak;

/// <summary>
/// Every acknowledged interaction id of one user, kept compactly to verify at the end: an id is a version-7 GUID
/// printed as 32 hex digits, kept as its 16 bytes (a 32-character string costs ~90 bytes on the managed heap, so
/// 830,000 of them were ~80 MB of the harness's own growth counted as the product's). <see cref="Bytes"/> is what
/// the list holds, printed with every sample so the harness's share is read apart from the host's.
/// </summary>
internal sealed class AcknowledgedIds
{
    private readonly List<Guid> _ids = [];
    private readonly Lock _gate = new();
    private long _lastSequenceNr;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ids.Count;
            }
        }
    }

    /// <summary>Bytes held by the list's backing array (its capacity, not its count).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return (long)_ids.Capacity * 16;
            }
        }
    }

    /// <summary>The journal sequence number of the latest acknowledgement (0 before the first).</summary>
    public long LastSequenceNr
    {
        get
        {
            lock (_gate)
            {
                return _lastSequenceNr;
            }
        }
    }

    public void Add(string interactionId, long sequenceNr)
    {
        var id = Guid.ParseExact(interactionId, "N");
        lock (_gate)
        {
            _ids.Add(id);
            _lastSequenceNr = Math.Max(_lastSequenceNr, sequenceNr);
        }
    }

    /// <summary>How many acknowledged ids are not among <paramref name="journaled"/> (ids as the journal prints them).</summary>
    public int MissingFrom(IEnumerable<string> journaled)
    {
        var found = journaled.Select(id => Guid.TryParseExact(id, "N", out var guid) ? guid : Guid.Empty).ToHashSet();
        lock (_gate)
        {
            return _ids.Count(id => !found.Contains(id));
        }
    }
}

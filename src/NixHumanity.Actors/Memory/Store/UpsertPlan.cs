namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// What a validated upsert batch changes, worked out before anything is written: events at or below the checkpoint
/// are skipped, every applied event becomes one row version and one table version numbered by its sequence number, and
/// new commands get the next ordinals. Because each event is its own version, the table any version reads does not
/// depend on how the events happened to be grouped into batches (docs/adr/0031).
/// </summary>
internal sealed class UpsertPlan
{
    private readonly List<PlannedRow> _rows = [];
    private readonly List<(long RowId, long Version)> _closedRows = [];
    private readonly List<(long SequenceNr, string Description)> _events = [];
    private readonly Dictionary<string, int> _latestRowById = new(StringComparer.Ordinal);
    private readonly long _firstRowId;

    private UpsertPlan(long checkpoint, string? embedderId, long firstRowId)
    {
        LastSequenceNr = checkpoint;
        EmbedderId = embedderId;
        _firstRowId = firstRowId;
    }

    /// <summary>Events applied (not skipped).</summary>
    public int Applied => _events.Count;

    /// <summary>Events at or below the checkpoint.</summary>
    public int Skipped { get; private set; }

    /// <summary>The highest applied sequence number (the checkpoint when nothing applies).</summary>
    public long LastSequenceNr { get; private set; }

    /// <summary>The embedder of the batch (the store's when it already had one).</summary>
    public string? EmbedderId { get; private set; }

    /// <summary>Every row version the batch appends, one per applied event, in event order.</summary>
    public IReadOnlyList<PlannedRow> Rows => _rows;

    /// <summary>Rows of the live table the batch supersedes, with the version that closes each.</summary>
    public IReadOnlyList<(long RowId, long Version)> ClosedRows => _closedRows;

    /// <summary>Each applied event's sequence number and what it did to the table.</summary>
    public IReadOnlyList<(long SequenceNr, string Description)> Events => _events;

    /// <summary>The memories' states after the batch: one row per distinct command, by ordinal (new memories take
    /// the next ordinals in order).</summary>
    public IEnumerable<PlannedRow> LatestRows => _rows.Where(row => row.VersionTo is null).OrderBy(row => row.Entry.Ord);

    /// <summary>Memories the store did not hold.</summary>
    public int Inserted { get; private set; }

    /// <summary>Memories the store held that the batch changed.</summary>
    public int Updated => _latestRowById.Count - Inserted;

    /// <summary>Plans <paramref name="batch"/> (already validated; <paramref name="vectors"/> normalised in batch order).</summary>
    /// <param name="batch">The events, in increasing sequence order.</param>
    /// <param name="vectors">Their normalised vectors.</param>
    /// <param name="checkpoint">The store's checkpoint: events at or below it are skipped.</param>
    /// <param name="embedderId">The store's embedder, or null before its first upsert.</param>
    /// <param name="live">The live memories before the batch.</param>
    /// <param name="firstRowId">The row id the first appended row gets.</param>
    /// <exception cref="InvalidOperationException">A record's embedder differs from the store's.</exception>
    public static UpsertPlan Create(
        IReadOnlyList<(long SequenceNr, MemoryRecord Record)> batch,
        float[][] vectors,
        long checkpoint,
        string? embedderId,
        LiveMemories live,
        long firstRowId)
    {
        var plan = new UpsertPlan(checkpoint, embedderId, firstRowId);
        for (var i = 0; i < batch.Count; i++)
        {
            var (sequenceNr, record) = batch[i];
            if (sequenceNr <= checkpoint)
            {
                plan.Skipped++;
                continue;
            }

            plan.Add(sequenceNr, record, vectors[i], live);
        }

        return plan;
    }

    private void Add(long sequenceNr, MemoryRecord record, float[] vector, LiveMemories live)
    {
        EmbedderId ??= record.EmbedderId;
        if (!string.Equals(EmbedderId, record.EmbedderId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"embedder mismatch: the store holds vectors from '{EmbedderId}' but the record comes from '{record.EmbedderId}'; call ResetForEmbedder and replay the journal");
        }

        var id = VectorMemoryStore.IdFor(record.Command);
        var rowId = _firstRowId + _rows.Count;
        PlannedRow next;
        var description = $"updated memory {id}";
        if (_latestRowById.TryGetValue(id, out var earlierIndex))
        {
            // Recorded again within the batch: the earlier row version stays readable at the versions before this event.
            var earlier = _rows[earlierIndex];
            _rows[earlierIndex] = earlier with { VersionTo = sequenceNr };
            next = new PlannedRow(earlier.Entry.Apply(record, sequenceNr) with { RowId = rowId }, vector, earlier.IsNew, sequenceNr, null);
        }
        else if (live.TryGetOrd(id, out var ord))
        {
            _closedRows.Add((live[ord].RowId, sequenceNr));
            next = new PlannedRow(live[ord].Apply(record, sequenceNr) with { RowId = rowId }, vector, false, sequenceNr, null);
        }
        else
        {
            next = new PlannedRow(MemoryEntry.Create(id, live.Count + Inserted++, record, sequenceNr) with { RowId = rowId }, vector, true, sequenceNr, null);
            description = $"new memory {id}";
        }

        _latestRowById[id] = _rows.Count;
        _rows.Add(next);
        _events.Add((sequenceNr, description));
        LastSequenceNr = sequenceNr;
    }
}

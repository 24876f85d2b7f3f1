namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// What a validated upsert batch changes, worked out before anything is written: events at or below the checkpoint
/// are skipped, recordings of the same command are folded into one row, and new commands get the next ordinals.
/// </summary>
internal sealed class UpsertPlan
{
    private readonly List<PlannedRow> _rows = [];
    private readonly Dictionary<string, int> _rowById = new(StringComparer.Ordinal);

    private UpsertPlan(long checkpoint, string? embedderId)
    {
        LastSequenceNr = checkpoint;
        EmbedderId = embedderId;
    }

    /// <summary>Events applied (not skipped).</summary>
    public int Applied { get; private set; }

    /// <summary>Events at or below the checkpoint.</summary>
    public int Skipped { get; private set; }

    /// <summary>The highest applied sequence number (the checkpoint when nothing applies).</summary>
    public long LastSequenceNr { get; private set; }

    /// <summary>The embedder of the batch (the store's when it already had one).</summary>
    public string? EmbedderId { get; private set; }

    /// <summary>One row per distinct command, in order of first appearance.</summary>
    public IReadOnlyList<PlannedRow> Rows => _rows;

    /// <summary>Rows for commands the store did not hold.</summary>
    public int Inserted { get; private set; }

    /// <summary>Rows superseding a live memory.</summary>
    public int Updated => _rows.Count - Inserted;

    /// <summary>The description of the version the batch creates.</summary>
    public string Description => $"upsert {Applied} record(s): {Inserted} new, {Updated} updated";

    /// <summary>Plans <paramref name="batch"/> (already validated; <paramref name="vectors"/> normalised in batch order).</summary>
    /// <exception cref="InvalidOperationException">A record's embedder differs from the store's.</exception>
    public static UpsertPlan Create(
        IReadOnlyList<(long SequenceNr, MemoryRecord Record)> batch,
        float[][] vectors,
        long checkpoint,
        string? embedderId,
        LiveMemories live)
    {
        var plan = new UpsertPlan(checkpoint, embedderId);
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
        if (_rowById.TryGetValue(id, out var row))
        {
            var earlier = _rows[row];
            _rows[row] = earlier with { Entry = earlier.Entry.Apply(record, sequenceNr), Vector = vector };
        }
        else
        {
            var isNew = !live.TryGetOrd(id, out var ord);
            var next = isNew
                ? MemoryEntry.Create(id, live.Count + Inserted++, record, sequenceNr)
                : live[ord].Apply(record, sequenceNr);
            _rowById[id] = _rows.Count;
            _rows.Add(new PlannedRow(next, vector, isNew));
        }

        Applied++;
        LastSequenceNr = sequenceNr;
    }
}

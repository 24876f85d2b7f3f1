namespace NixHumanity.Actors.Memory.Store;

/// <summary>What one applied upsert batch writes to <see cref="MemoryTable"/> in one transaction.</summary>
/// <param name="Versions">One version record per applied event, numbered by its sequence number (docs/adr/0031).</param>
/// <param name="ClosedRows">Live rows the batch supersedes, each with the version (event) that closes it.</param>
/// <param name="Rows">The row versions to append, one per applied event, with their row ids and normalised vectors.</param>
/// <param name="Checkpoint">The journal checkpoint after the batch.</param>
/// <param name="NewEmbedderId">The embedder to record when the store had none yet, else null.</param>
/// <param name="CheckpointFingerprint">The fingerprint of the event at <paramref name="Checkpoint"/>, when known
/// (<see cref="Projections.EventFingerprint"/>).</param>
internal sealed record BatchWrite(
    IReadOnlyList<TableVersion> Versions,
    IReadOnlyList<(long RowId, long Version)> ClosedRows,
    IReadOnlyList<PlannedRow> Rows,
    long Checkpoint,
    string? NewEmbedderId,
    string? CheckpointFingerprint = null);

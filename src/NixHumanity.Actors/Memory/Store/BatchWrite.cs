namespace NixHumanity.Actors.Memory.Store;

/// <summary>What one applied upsert batch writes to <see cref="MemoryTable"/> in one transaction.</summary>
/// <param name="Version">The new version record; its sequence number becomes the checkpoint.</param>
/// <param name="ClosedRowIds">Live rows the batch supersedes (their <c>version_to</c> becomes <see cref="Version"/>).</param>
/// <param name="Rows">The rows to append, with their row ids, and their normalised vectors.</param>
/// <param name="NewEmbedderId">The embedder to record when the store had none yet, else null.</param>
internal sealed record BatchWrite(
    TableVersion Version,
    IReadOnlyList<long> ClosedRowIds,
    IReadOnlyList<(MemoryEntry Entry, float[] Vector)> Rows,
    string? NewEmbedderId);

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// One row version an upsert batch writes: the memory as one journal event left it, its normalised vector, and the
/// journal positions between which it is the memory's state.
/// </summary>
/// <param name="Entry">The memory after the event (with the row id it is written under).</param>
/// <param name="Vector">The event's normalised vector.</param>
/// <param name="IsNew">True when the store had no memory for the command before the batch.</param>
/// <param name="VersionFrom">The event's sequence number: the first version that sees this row.</param>
/// <param name="VersionTo">The sequence number of a later event of the same batch that supersedes the row, or null
/// when the row is the memory's state after the batch.</param>
internal readonly record struct PlannedRow(MemoryEntry Entry, float[] Vector, bool IsNew, long VersionFrom, long? VersionTo);

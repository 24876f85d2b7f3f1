namespace NixHumanity.Actors.Memory.Store;

/// <summary>One memory an upsert batch writes: its new state, its normalised vector and whether it is new.</summary>
/// <param name="Entry">The memory after every recording of the batch (row id still the superseded row's, or -1).</param>
/// <param name="Vector">The latest recording's normalised vector.</param>
/// <param name="IsNew">True when the store had no memory for the command.</param>
internal readonly record struct PlannedRow(MemoryEntry Entry, float[] Vector, bool IsNew);

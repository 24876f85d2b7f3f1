namespace NixHumanity.Actors.Memory.Store;

/// <summary>One version of the <c>command_embeddings</c> table (LanceDB-style: every mutation makes one).</summary>
/// <param name="Version">Monotonic number; 0 is the empty table the store started with.</param>
/// <param name="CreatedAt">When the mutation committed (UTC).</param>
/// <param name="Description">What the mutation was.</param>
/// <param name="SequenceNr">The journal checkpoint after the mutation.</param>
/// <param name="RowsWritten">Row versions written by the mutation.</param>
internal sealed record TableVersion(long Version, DateTimeOffset CreatedAt, string Description, long SequenceNr, int RowsWritten);

/// <summary>What <see cref="VectorMemoryStore.Compact"/> removed and which time travel is still possible.</summary>
/// <param name="VersionsRemoved">Versions that can no longer be read.</param>
/// <param name="RowVersionsRemoved">Superseded row versions deleted from the file.</param>
/// <param name="RemovedFromVersion">First version removed, or null when nothing was removed.</param>
/// <param name="RemovedToVersion">Last version removed, or null when nothing was removed.</param>
/// <param name="OldestReadableVersion">The oldest version <c>asOf</c> can still read.</param>
/// <param name="OldestReadableAt">When that version was created.</param>
/// <param name="CurrentVersion">The newest version (unchanged by compaction).</param>
/// <param name="Summary">One sentence saying which time travel was given up.</param>
public sealed record CompactionReport(
    int VersionsRemoved,
    long RowVersionsRemoved,
    long? RemovedFromVersion,
    long? RemovedToVersion,
    long OldestReadableVersion,
    DateTimeOffset OldestReadableAt,
    long CurrentVersion,
    string Summary);

/// <summary>What an <see cref="VectorMemoryStore.Upsert(long, MemoryRecord, string?)"/> batch did.</summary>
/// <param name="Applied">Records applied (those above the checkpoint).</param>
/// <param name="Skipped">Records at or below the checkpoint, ignored because they were applied before.</param>
/// <param name="Inserted">New memories.</param>
/// <param name="Updated">Existing memories whose statistics were updated.</param>
/// <param name="Version">The table version after the batch (unchanged when nothing was applied).</param>
/// <param name="Checkpoint">The journal sequence number checkpoint after the batch.</param>
internal sealed record UpsertResult(int Applied, int Skipped, int Inserted, int Updated, long Version, long Checkpoint);

/// <summary>What <see cref="VectorMemoryStore.ResetForEmbedder"/> cleared.</summary>
/// <param name="PreviousEmbedderId">The embedder the cleared vectors came from, if any.</param>
/// <param name="EmbedderId">The embedder the store now expects.</param>
/// <param name="MemoriesCleared">Live memories removed (to be re-embedded from the journal).</param>
/// <param name="RowVersionsCleared">All row versions removed, including history.</param>
/// <param name="VersionsCleared">Versions whose time travel was removed.</param>
/// <param name="Version">The new, empty version.</param>
internal sealed record EmbedderResetReport(
    string? PreviousEmbedderId,
    string EmbedderId,
    int MemoriesCleared,
    long RowVersionsCleared,
    int VersionsCleared,
    long Version);

namespace NixHumanity.Actors.Projections;

/// <summary>
/// How every projection of the session journal (the memory and the learner) catches up and applies live events.
/// Configured as <c>NixHumanityOptions.Projections</c>.
/// </summary>
public sealed class ProjectionOptions
{
    /// <summary>
    /// The most live events buffered before they are applied in one store transaction, and the batch a projection is
    /// behind by when a status is answered at once (default 256; docs/adr/0052).
    /// </summary>
    public int ReplayBatchSize { get; set; } = 256;

    /// <summary>
    /// Journal events read and applied per store transaction while a projection catches up (at start, after a gap,
    /// after falling behind), and per call of the embedding service for the records a memory holds after such a
    /// catch-up (default 1024, between 1 and 10000). A projection holds at most one such batch of journal events at a
    /// time; a bigger batch costs fewer transactions and fewer turns on the store threads (docs/adr/0052).
    /// </summary>
    public int CatchUpBatchSize { get; set; } = 1024;

    /// <summary>A progress line is logged every this many journal events while a projection catches up (default 500).</summary>
    public int ProgressEvery { get; set; } = 500;

    /// <summary>
    /// A projection that has applied events and then none for this long folds its store's write-ahead log into the
    /// store's files (a DuckDB <c>CHECKPOINT</c>; default 30 s). A copy of the store left on a node the user moves
    /// away from, or a store reopened after any stop, then replays only what came after its last quiet period, and the
    /// log's file handle is closed meanwhile (docs/adr/0039).
    /// </summary>
    public TimeSpan CheckpointWhenIdleFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long live events wait, from the first one buffered, before they are applied in one store transaction
    /// (default 100 ms, for the library hosted in-process and <c>nixh serve</c> alike; zero applies them as soon as the
    /// mailbox has drained of events; at most 10 s; docs/adr/0055 and its amendment). A request (search, status, a
    /// fold) applies what is buffered first, so it still sees every event acknowledged before it was sent. The wait keeps the store's commit, which syncs its write-ahead log to the disk,
    /// out of the way of the journal's own sync while a burst of records is being acknowledged, and makes the burst one
    /// commit.
    /// </summary>
    public TimeSpan LiveApplyWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The default of <see cref="StoreMemoryLimitMegabytes"/>.</summary>
    public const int DefaultStoreMemoryLimitMegabytes = 1024;

    /// <summary>
    /// The most memory, in MB, each of the two shared DuckDB instances of a node may use for its buffer pool (the
    /// learners' stores, and the memories' stores of the data directory; default 1024, at least 64). Rows checkpointed
    /// into the stores' files are evicted from memory beyond it and read back from the files when needed; rows not
    /// yet checkpointed cannot be, which is why busy stores are checkpointed every 256 KB of log (docs/adr/0040).
    /// Read when the first store of the process opens.
    /// </summary>
    public int StoreMemoryLimitMegabytes { get; set; } = DefaultStoreMemoryLimitMegabytes;

    /// <summary>
    /// How far (in events) a projection may fall behind its session's journal before it stops buffering the events
    /// pushed to it and reads them from the journal instead, dropping pushed ones meanwhile (default 1024, at least 1;
    /// counted as the messages waiting in its mailbox). It bounds what a projection slower than its session holds in memory; the journal
    /// is the truth, so nothing acknowledged is skipped (docs/adr/0040).
    /// </summary>
    public int MaxLiveLag { get; set; } = 1024;

    /// <summary>
    /// Whether the process ends right after its node stops (the <c>nixh</c> executable: <c>nixh serve</c> and a verb's
    /// own host), so a stopping node leaves its data directory's shared DuckDB instances open, with their stores' files
    /// attached, instead of closing them: the memory they hold is the process's exit's to give back, not the stop's
    /// (docs/adr/0058). False for the library hosted in-process, whose instances close with the node so its files are
    /// unlocked when the stop returns. Internal: only the executable knows that its process ends.
    /// </summary>
    internal bool ProcessExitsAfterStop { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and the rule when a value is unusable.</summary>
    public void Validate()
    {
        if (ReplayBatchSize is < 1 or > 10_000)
        {
            throw new ArgumentException("must be between 1 and 10000", "Projections." + nameof(ReplayBatchSize));
        }

        if (CatchUpBatchSize is < 1 or > 10_000)
        {
            throw new ArgumentException("must be between 1 and 10000", "Projections." + nameof(CatchUpBatchSize));
        }

        if (ProgressEvery < 1)
        {
            throw new ArgumentException("must be at least 1", "Projections." + nameof(ProgressEvery));
        }

        if (StoreMemoryLimitMegabytes is < 64 or > 1_048_576)
        {
            throw new ArgumentException("must be between 64 and 1048576", "Projections." + nameof(StoreMemoryLimitMegabytes));
        }

        if (MaxLiveLag < 1)
        {
            throw new ArgumentException("must be at least 1", "Projections." + nameof(MaxLiveLag));
        }

        if (LiveApplyWindow < TimeSpan.Zero || LiveApplyWindow > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException("must be between 0 and 10 seconds", "Projections." + nameof(LiveApplyWindow));
        }

        if (CheckpointWhenIdleFor <= TimeSpan.Zero)
        {
            throw new ArgumentException("must be positive", "Projections." + nameof(CheckpointWhenIdleFor));
        }
    }
}

namespace NixHumanity.Actors.Projections;

/// <summary>
/// How every projection of the session journal (the memory and the learner) catches up and applies live events.
/// Configured as <c>NixHumanityOptions.Projections</c>.
/// </summary>
public sealed class ProjectionOptions
{
    /// <summary>
    /// Journal events applied per store transaction while catching up, and the most live events buffered before they
    /// are applied (default 256).
    /// </summary>
    public int ReplayBatchSize { get; set; } = 256;

    /// <summary>A progress line is logged every this many journal events while a projection catches up (default 500).</summary>
    public int ProgressEvery { get; set; } = 500;

    /// <summary>
    /// A projection that has applied events and then none for this long folds its store's write-ahead log into the
    /// store's files (a DuckDB <c>CHECKPOINT</c>; default 30 s). A copy of the store left on a node the user moves
    /// away from, or a store reopened after any stop, then replays only what came after its last quiet period, and the
    /// log's file handle is closed meanwhile (docs/adr/0039).
    /// </summary>
    public TimeSpan CheckpointWhenIdleFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and the rule when a value is unusable.</summary>
    public void Validate()
    {
        if (ReplayBatchSize is < 1 or > 10_000)
        {
            throw new ArgumentException("must be between 1 and 10000", "Projections." + nameof(ReplayBatchSize));
        }

        if (ProgressEvery < 1)
        {
            throw new ArgumentException("must be at least 1", "Projections." + nameof(ProgressEvery));
        }

        if (CheckpointWhenIdleFor <= TimeSpan.Zero)
        {
            throw new ArgumentException("must be positive", "Projections." + nameof(CheckpointWhenIdleFor));
        }
    }
}

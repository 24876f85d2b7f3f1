using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>The store's upkeep: compaction of time travel, the reset for a new embedder, the HNSW wait, disk use.</summary>
internal sealed partial class VectorMemoryStore
{
    /// <summary>
    /// Drops time travel to versions before <paramref name="upToVersion"/> (default: the current version, keeping only
    /// the live table): deletes the row versions no readable version can see and the older version records. What any
    /// version at or after <paramref name="upToVersion"/> reads is unchanged, so compaction creates no new version.
    /// </summary>
    /// <exception cref="InvalidInputException"><paramref name="upToVersion"/> is negative or newer than the current version.</exception>
    public CompactionReport Compact(long? upToVersion = null)
    {
        ThrowIfDisposed();
        var requested = upToVersion ?? CurrentVersion;
        if (requested < 0 || requested > CurrentVersion)
        {
            throw MemoryInputRules.Reject("upToVersion", $"must be between 0 and the current version {CurrentVersion} (got {requested})");
        }

        // A journal position where the table did not change reads the version before it; keep that one readable.
        var target = _versions.Floor(requested);

        if (target <= _versions.OldestReadable)
        {
            return _versions.NothingToCompact();
        }

        var report = _versions.Compact(target, () => _table.Compact(target));
        _historical = null;
        return report;
    }

    /// <summary>
    /// Clears every vector, row version and version record (nothing from the old embedder stays readable), sets the
    /// checkpoint to 0 and expects vectors from <paramref name="embedderId"/>; the owner then replays the journal.
    /// Versions are journal positions, so the replay makes versions 1, 2, … again: version n then reads the memory as of
    /// event n with the new embedder's vectors (the same memories and statistics as before).
    /// </summary>
    public EmbedderResetReport ResetForEmbedder(string embedderId)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(embedderId);
        var version = _versions.Empty($"reset for embedder {embedderId} (was {_embedderId ?? "none"})");
        var rowVersions = _table.Reset(version, embedderId);
        var report = new EmbedderResetReport(_embedderId, embedderId, _live.Count, rowVersions, _versions.Count, version.Version);
        _embedderId = embedderId;
        _storedDimensions = Dimensions;
        _checkpoint = 0;
        _checkpointFingerprint = null;
        _versions.ResetTo(version);
        _live.Clear();
        _liveSearch.InvalidateFilters();
        _historical = null;
        _hnsw.Drop();
        return report;
    }

    /// <summary>
    /// Blocks until a pending HNSW build finishes (benchmarks, tests, warm-up) and swaps it in; never call it from an
    /// actor's message handler. Returns whether the graph is ready; false when no build was needed or it did not
    /// finish within <paramref name="timeout"/> (measured by the store's clock).
    /// </summary>
    public bool WaitForHnsw(TimeSpan timeout)
    {
        ThrowIfDisposed();
        return _hnsw.WaitUntilReady(timeout, _clock);
    }

    /// <summary>Disk usage of the store: the DuckDB file and its write-ahead log, in bytes.</summary>
    public long DiskBytes()
    {
        var wal = Path + ".wal";
        return new FileInfo(Path).Length + (File.Exists(wal) ? new FileInfo(wal).Length : 0);
    }

    /// <summary>Writes the write-ahead log into the file (DuckDB <c>CHECKPOINT</c>), e.g. before measuring size.</summary>
    public void Flush()
    {
        ThrowIfDisposed();
        _table.Flush();
    }
}

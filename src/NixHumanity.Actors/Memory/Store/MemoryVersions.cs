using System.Globalization;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The readable table versions of a <see cref="VectorMemoryStore"/>: time-stamping new ones, resolving an
/// <see cref="MemoryAsOf"/> for time travel, and the bookkeeping and wording of compaction. A version is numbered by
/// the journal sequence number of the event that made it (0: before any event), so the same events give the same
/// versions however they were batched (docs/adr/0031).
/// </summary>
/// <remarks>
/// Only the oldest and the newest record and the count are kept in memory; the records themselves stay in the
/// store's <c>versions</c> table and are read when time travel, compaction or an export needs them. Keeping one
/// record per applied event on the managed heap made a busy person's memory grow by ~100 bytes per interaction until
/// a compaction (the 30-minute soak, docs/benchmarks.md "Soak (issue 12)"), for reads that are rare.
/// </remarks>
internal sealed class MemoryVersions(MemoryTable table, TimeProvider clock)
{
    private TableVersion? _oldest;
    private TableVersion? _newest;

    /// <summary>The newest version.</summary>
    public long Current => Newest.Version;

    /// <summary>The oldest version time travel can still read.</summary>
    public long OldestReadable { get; private set; }

    /// <summary>How many version records are readable.</summary>
    public int Count { get; private set; }

    private TableVersion Newest => _newest ?? throw new InvalidOperationException("The versions are not loaded.");

    private TableVersion Oldest => _oldest ?? throw new InvalidOperationException("The versions are not loaded.");

    /// <summary>The readable versions, oldest first, read from the file.</summary>
    public IReadOnlyList<TableVersion> ToList() => table.ReadVersions();

    /// <summary>Takes the bounds of the versions in the file.</summary>
    public void Load(long oldestReadable)
    {
        (_oldest, _newest, Count) = table.ReadVersionBounds();
        OldestReadable = oldestReadable;
    }

    /// <summary>
    /// The records of one batch's versions (not yet added), one per applied event, all stamped with one time strictly
    /// after the newest version's: they commit together.
    /// </summary>
    public List<TableVersion> Stamp(IReadOnlyList<(long SequenceNr, string Description)> events)
    {
        var at = NextTime();
        return events.Select(e => new TableVersion(e.SequenceNr, at, e.Description, e.SequenceNr, 1)).ToList();
    }

    /// <summary>The record of the empty version 0 a reset leaves, stamped strictly after the newest version.</summary>
    public TableVersion Empty(string description) => new(0, NextTime(), description, 0, 0);

    /// <summary>Notes committed versions (already written to the file), oldest first.</summary>
    public void Add(IReadOnlyList<TableVersion> versions)
    {
        if (versions.Count == 0)
        {
            return;
        }

        _oldest ??= versions[0];
        _newest = versions[^1];
        Count += versions.Count;
    }

    /// <summary>
    /// The newest version at or before <paramref name="version"/>: a journal position at which the table did not
    /// change (a notification, say) reads the same table as that version.
    /// </summary>
    public long Floor(long version) => version >= Current ? Current : table.ReadNewestVersionAtOrBefore(version) ?? version;

    /// <summary>After a reset: <paramref name="version"/> is the only and oldest readable version.</summary>
    public void ResetTo(TableVersion version)
    {
        _oldest = version;
        _newest = version;
        Count = 1;
        OldestReadable = version.Version;
    }

    /// <summary>The version <paramref name="asOf"/> selects.</summary>
    /// <exception cref="Contracts.InvalidInputException">It does not exist or is no longer readable (field <c>asOf</c>).</exception>
    public long Resolve(MemoryAsOf asOf)
    {
        var oldest = Oldest;
        if (asOf.Version is { } version)
        {
            if (version > Current || version < 0)
            {
                throw MemoryInputRules.Reject("asOf", $"version {version} does not exist (current version is {Current})");
            }

            if (version < oldest.Version)
            {
                throw MemoryInputRules.Reject(
                    "asOf", $"version {version} is no longer readable (compacted or reset); the oldest readable version is {oldest.Version}");
            }

            return version;
        }

        var time = asOf.Time!.Value;
        if (time < oldest.CreatedAt)
        {
            throw MemoryInputRules.Reject("asOf", $"{Iso(time)} is before the oldest readable version {oldest.Version} ({Iso(oldest.CreatedAt)})");
        }

        if (time >= Newest.CreatedAt)
        {
            return Current;
        }

        // Stored times are whole microseconds: a record is at or before the time exactly when it is at or before the
        // time cut to microseconds, which is what the file can compare.
        var cut = new DateTimeOffset(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);
        return table.ReadNewestVersionCreatedBy(cut) ?? oldest.Version;
    }

    /// <summary>The report when nothing before the requested version is readable any more.</summary>
    public CompactionReport NothingToCompact()
    {
        var oldest = Oldest;
        return new CompactionReport(0, 0, null, null, oldest.Version, oldest.CreatedAt, Current,
            $"nothing to compact: versions {oldest.Version}–{Current} stay readable");
    }

    /// <summary>
    /// Compacts the file through <paramref name="compactFile"/> (which returns the row versions it deleted), drops
    /// the version records before <paramref name="target"/>, and reports it.
    /// </summary>
    public CompactionReport Compact(long target, Func<long> compactFile)
    {
        var (removedCount, first, last) = table.ReadVersionsBefore(target);
        var rowsRemoved = compactFile();
        (_oldest, _newest, Count) = table.ReadVersionBounds();
        OldestReadable = target;
        var kept = Oldest;
        var summary = first is null
            ? $"no version records before {target}; versions {kept.Version}–{Current} stay readable"
            : $"time travel to versions {first.Version}–{last!.Version} ({Iso(first.CreatedAt)} to {Iso(last.CreatedAt)}) is no longer possible; " +
              $"{rowsRemoved} superseded row version(s) deleted; versions {kept.Version}–{Current} (since {Iso(kept.CreatedAt)}) stay readable";
        return new CompactionReport(removedCount, rowsRemoved, first?.Version, last?.Version, kept.Version, kept.CreatedAt, Current, summary);
    }

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private DateTimeOffset NextTime()
    {
        // Versions must be strictly ordered in time for as-of-time reads; DuckDB keeps microseconds.
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var last = _newest?.CreatedAt ?? DateTimeOffset.MinValue;
        return now > last ? now : last.AddTicks(10);
    }
}

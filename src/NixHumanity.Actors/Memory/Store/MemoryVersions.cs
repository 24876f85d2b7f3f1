using System.Globalization;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The readable table versions of a <see cref="VectorMemoryStore"/> in memory: time-stamping new ones, resolving an
/// <see cref="MemoryAsOf"/> for time travel, and the bookkeeping and wording of compaction. A version is numbered by
/// the journal sequence number of the event that made it (0: before any event), so the same events give the same
/// versions however they were batched (docs/adr/0031).
/// </summary>
internal sealed class MemoryVersions(TimeProvider clock)
{
    private readonly List<TableVersion> _versions = [];

    /// <summary>The newest version.</summary>
    public long Current => _versions[^1].Version;

    /// <summary>The oldest version time travel can still read.</summary>
    public long OldestReadable { get; private set; }

    /// <summary>How many version records are readable.</summary>
    public int Count => _versions.Count;

    /// <summary>A copy of the readable versions, oldest first.</summary>
    public IReadOnlyList<TableVersion> ToList() => _versions.ToArray();

    /// <summary>Takes the versions read from the file.</summary>
    public void Load(IEnumerable<TableVersion> versions, long oldestReadable)
    {
        _versions.AddRange(versions);
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

    /// <summary>Adds committed versions.</summary>
    public void Add(IEnumerable<TableVersion> versions) => _versions.AddRange(versions);

    /// <summary>
    /// The newest version at or before <paramref name="version"/>: a journal position at which the table did not
    /// change (a notification, say) reads the same table as that version.
    /// </summary>
    public long Floor(long version) => _versions.LastOrDefault(v => v.Version <= version)?.Version ?? version;

    /// <summary>After a reset: <paramref name="version"/> is the only and oldest readable version.</summary>
    public void ResetTo(TableVersion version)
    {
        _versions.Clear();
        _versions.Add(version);
        OldestReadable = version.Version;
    }

    /// <summary>The version <paramref name="asOf"/> selects.</summary>
    /// <exception cref="Contracts.InvalidInputException">It does not exist or is no longer readable (field <c>asOf</c>).</exception>
    public long Resolve(MemoryAsOf asOf)
    {
        var oldest = _versions[0];
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

        return _versions.Last(v => v.CreatedAt <= time).Version;
    }

    /// <summary>The report when nothing before the requested version is readable any more.</summary>
    public CompactionReport NothingToCompact()
    {
        var oldest = _versions[0];
        return new CompactionReport(0, 0, null, null, oldest.Version, oldest.CreatedAt, Current,
            $"nothing to compact: versions {oldest.Version}–{Current} stay readable");
    }

    /// <summary>Drops the version records before <paramref name="target"/> after the file was compacted, and reports it.</summary>
    public CompactionReport Compacted(long target, long rowsRemoved)
    {
        var removed = _versions.Where(v => v.Version < target).ToList();
        _versions.RemoveAll(v => v.Version < target);
        OldestReadable = target;
        var first = removed.Count > 0 ? removed[0] : null;
        var last = removed.Count > 0 ? removed[^1] : null;
        var kept = _versions[0];
        var summary = first is null
            ? $"no version records before {target}; versions {kept.Version}–{Current} stay readable"
            : $"time travel to versions {first.Version}–{last!.Version} ({Iso(first.CreatedAt)} to {Iso(last.CreatedAt)}) is no longer possible; " +
              $"{rowsRemoved} superseded row version(s) deleted; versions {kept.Version}–{Current} (since {Iso(kept.CreatedAt)}) stay readable";
        return new CompactionReport(removed.Count, rowsRemoved, first?.Version, last?.Version, kept.Version, kept.CreatedAt, Current, summary);
    }

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private DateTimeOffset NextTime()
    {
        // Versions must be strictly ordered in time for as-of-time reads; DuckDB keeps microseconds.
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var last = _versions.Count > 0 ? _versions[^1].CreatedAt : DateTimeOffset.MinValue;
        return now > last ? now : last.AddTicks(10);
    }
}

using System.Data.Common;
using System.Globalization;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory.Where;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// One person's semantic memory: a versioned table of command embeddings in a DuckDB file (<c>memory.duckdb</c>),
/// projected from the event journal exactly once, with an in-memory SIMD index (and an HNSW graph for large
/// collections) for top-k cosine search, DuckDB-evaluated metadata prefilters, LanceDB-style versions, time travel
/// and compaction.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> Exactly one owner (the user's MemoryActor) opens the file and calls this object from one
/// thread at a time; it is not thread-safe. The only background work is the HNSW build, which reads a snapshot of the
/// in-memory matrix and never touches DuckDB; the owner swaps the finished graph in during a later call.</para>
/// <para><b>Exactly once.</b> Every batch writes its rows, its version row and the journal checkpoint
/// (<c>projection_checkpoint</c>) in one DuckDB transaction. Records whose sequence number is at or below the
/// checkpoint are skipped, so replaying the journal after a crash applies each event once. Deleting the file
/// rebuilds the projection from sequence number 1.</para>
/// <para><b>Statistics.</b> A memory is identified by its command (<see cref="IdFor"/>). Re-recording a command updates
/// the same memory: a reported outcome adds an attempt (and a success on success); an unreported outcome adds
/// neither, so a missing report never lowers the success rate. <c>success_rate = successes / attempts</c> (0 before
/// any report). <c>user_satisfaction</c> is the mean of the reported values (NULL until one is reported);
/// <c>confidence</c> and <c>intent</c> keep the latest reported value. The text and vector become the latest
/// phrasing, because the person's recent wording is what the next request will resemble; earlier phrasings stay
/// readable by time travel until compacted. Nothing is ever deleted by an upsert.</para>
/// <para><b>Versions.</b> Each applied batch creates version <c>n+1</c>. Rows are append-only with validity columns
/// <c>[version_from, version_to)</c>; a re-recorded memory closes its old row and appends a new one. Version 0 is the
/// empty table. <see cref="Compact"/> deletes superseded rows and the version records before a chosen version.</para>
/// <para><b>Safety.</b> The connection runs with <c>enable_external_access = false</c> and
/// <c>lock_configuration = true</c>, so a prefilter cannot read or write files, attach databases or change settings,
/// on top of <see cref="WherePredicate"/>'s validation.</para>
/// </remarks>
public sealed class VectorMemoryStore : IDisposable
{
    /// <summary>Dimensions of every stored vector (<c>FLOAT[384]</c>, all-MiniLM-L6-v2's size).</summary>
    public const int Dimensions = 384;

    /// <summary>Largest k a search accepts.</summary>
    public const int MaxK = 1000;

    /// <summary>File name of the store inside the user's memory folder.</summary>
    public const string FileName = "memory.duckdb";

    private const int SchemaVersion = 1;
    private const int MaxCommandLength = 1024;
    private const int MaxTextLength = 4096;

    private readonly DuckDBConnection _connection;
    private readonly VectorMemoryStoreOptions _options;
    private readonly TimeProvider _clock;
    private readonly VectorMatrix _matrix;
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, int> _ordById = new(StringComparer.Ordinal);
    private readonly List<TableVersion> _versions = [];
    private readonly Dictionary<string, int[]> _filterCache = new(StringComparer.Ordinal);

    private long _checkpoint;
    private long _nextRowId;
    private long _oldestReadableVersion;
    private string? _embedderId;
    private Historical? _historical;

    private HnswIndex? _hnsw;
    private Task<HnswIndex>? _hnswBuild;
    private CancellationTokenSource? _hnswCancel;
    private HashSet<int>? _dirtyDuringBuild;
    private bool _disposed;

    private VectorMemoryStore(string path, DuckDBConnection connection, VectorMemoryStoreOptions options, TimeProvider clock)
    {
        Path = path;
        _connection = connection;
        _options = options;
        _clock = clock;
        _matrix = new VectorMatrix(Dimensions, quantizedScanMinRows: options.QuantizedScanMinRows);
    }

    /// <summary>The DuckDB file.</summary>
    public string Path { get; }

    /// <summary>The last journal sequence number applied (0 for an empty or reset store).</summary>
    public long Checkpoint => _checkpoint;

    /// <summary>The newest table version.</summary>
    public long CurrentVersion => _versions[^1].Version;

    /// <summary>The oldest version time travel can still read.</summary>
    public long OldestReadableVersion => _oldestReadableVersion;

    /// <summary>Live memories (distinct commands).</summary>
    public int Count => _entries.Count;

    /// <summary>The embedder whose vectors the store holds, or null before the first upsert.</summary>
    public string? EmbedderId => _embedderId;

    /// <summary>True when searches of the live version can use the HNSW graph.</summary>
    public bool IsHnswReady
    {
        get
        {
            PollHnsw();
            return _hnsw is not null;
        }
    }

    /// <summary>The error of the last failed HNSW build, if any (searches then stay exact).</summary>
    public Exception? LastHnswError { get; private set; }

    /// <summary>Rows the last live exact scan recomputed in float32 after its int8 pass (0 when it did not use one).</summary>
    internal int LastRescoredRows => _matrix.LastRescoredRows;

    /// <summary>Test hook: called with a stage name inside the upsert transaction, before commit.</summary>
    internal Action<string>? FaultInjector { get; set; }

    /// <summary>Test hook: runs raw SQL on the store's connection to prove the connection-level lockdown.</summary>
    internal object? ExecuteScalarUnvalidatedForTests(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Opens (or creates) the store at <paramref name="path"/>.</summary>
    /// <param name="path">The DuckDB file, normally <c>&lt;user folder&gt;/memory/memory.duckdb</c>.</param>
    /// <param name="options">Tuning; defaults when null.</param>
    /// <param name="clock">Clock stamping versions; the system clock when null.</param>
    /// <exception cref="InvalidDataException">The file was written by an incompatible schema.</exception>
    public static VectorMemoryStore Open(string path, VectorMemoryStoreOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new VectorMemoryStoreOptions();
        options.Validate();
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var connection = PerUserDuckDb.Connection(full);
        connection.Open();
        var store = new VectorMemoryStore(full, connection, options, clock ?? TimeProvider.System);
        try
        {
            store.Initialise();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The memory id of <paramref name="command"/>: <c>cmd-</c> and the first 16 hex digits of its SHA-256.</summary>
    public static string IdFor(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(command.Trim()));
        return "cmd-" + Convert.ToHexStringLower(hash, 0, 8);
    }

    /// <summary>True when the store holds vectors from an embedder other than <paramref name="embedderId"/>.
    /// The owner then calls <see cref="ResetForEmbedder"/> and replays the journal.</summary>
    public bool IsEmbedderMismatch(string embedderId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(embedderId);
        return _embedderId is not null && !string.Equals(_embedderId, embedderId, StringComparison.Ordinal);
    }

    /// <summary>Applies one journal event; see <see cref="Upsert(IReadOnlyList{ValueTuple{long, MemoryRecord}})"/>.</summary>
    public UpsertResult Upsert(long sequenceNr, MemoryRecord record) => Upsert([(sequenceNr, record)]);

    /// <summary>
    /// Applies a batch of journal events in one transaction, producing one new table version. Events at or below
    /// the checkpoint are skipped (exactly once). All records are validated first; an invalid record rejects the
    /// whole batch and nothing changes.
    /// </summary>
    /// <exception cref="ArgumentException">A record is invalid or sequence numbers are not strictly increasing.</exception>
    /// <exception cref="InvalidOperationException">A record's embedder differs from the store's (see <see cref="ResetForEmbedder"/>).</exception>
    public UpsertResult Upsert(IReadOnlyList<(long SequenceNr, MemoryRecord Record)> batch)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(batch);
        var normalised = new float[batch.Count][];
        var previous = 0L;
        for (var i = 0; i < batch.Count; i++)
        {
            var (sequenceNr, record) = batch[i];
            if (sequenceNr <= 0)
            {
                throw new ArgumentException($"sequenceNr: must be positive (got {sequenceNr})");
            }

            if (sequenceNr <= previous)
            {
                throw new ArgumentException("sequenceNr: must be strictly increasing within a batch");
            }

            previous = sequenceNr;
            normalised[i] = ValidateRecord(record);
        }

        var embedder = _embedderId;
        var pending = new Dictionary<string, (Entry Entry, float[] Vector, bool IsNew)>(StringComparer.Ordinal);
        var order = new List<string>();
        var skipped = 0;
        var applied = 0;
        var lastSequenceNr = _checkpoint;
        var newCount = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var (sequenceNr, record) = batch[i];
            if (sequenceNr <= _checkpoint)
            {
                skipped++;
                continue;
            }

            embedder ??= record.EmbedderId;
            if (!string.Equals(embedder, record.EmbedderId, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"embedder mismatch: the store holds vectors from '{embedder}' but the record comes from '{record.EmbedderId}'; call ResetForEmbedder and replay the journal");
            }

            var id = IdFor(record.Command);
            Entry next;
            if (pending.TryGetValue(id, out var inBatch))
            {
                next = inBatch.Entry.Apply(record, sequenceNr);
                pending[id] = (next, normalised[i], inBatch.IsNew);
            }
            else
            {
                order.Add(id);
                var isNew = !_ordById.TryGetValue(id, out var ord);
                next = isNew ? Entry.Create(id, _entries.Count + newCount++, record, sequenceNr) : _entries[ord].Apply(record, sequenceNr);
                pending[id] = (next, normalised[i], isNew);
            }

            applied++;
            lastSequenceNr = sequenceNr;
        }

        if (applied == 0)
        {
            return new UpsertResult(0, skipped, 0, 0, CurrentVersion, _checkpoint);
        }

        var version = CurrentVersion + 1;
        var createdAt = NextVersionTime();
        var rowId = _nextRowId;
        var inserted = pending.Values.Count(p => p.IsNew);
        var updated = pending.Count - inserted;
        var description = $"upsert {applied} record(s): {inserted} new, {updated} updated";
        var rowIds = new Dictionary<string, long>(StringComparer.Ordinal);

        using (var transaction = _connection.BeginTransaction())
        {
            var closing = pending.Where(p => !p.Value.IsNew).Select(p => _entries[_ordById[p.Key]].RowId).ToList();
            foreach (var chunk in closing.Chunk(1000))
            {
                // Row ids are our own integers, so inlining them is safe and keeps this to one statement per chunk.
                Execute(
                    $"UPDATE command_embeddings SET version_to = {version} WHERE version_to IS NULL AND row_id IN ({string.Join(',', chunk)})");
            }

            using (var appender = _connection.CreateAppender("command_embeddings"))
            {
                foreach (var id in order)
                {
                    var (entry, vector, _) = pending[id];
                    rowIds[id] = rowId;
                    AppendRow(appender, entry with { RowId = rowId }, vector, version);
                    rowId++;
                }
            }

            Execute(
                "INSERT INTO versions VALUES ($version, $created, $description, $seq, $rows)",
                ("version", version),
                ("created", createdAt.UtcDateTime),
                ("description", description),
                ("seq", lastSequenceNr),
                ("rows", order.Count));
            Execute("UPDATE projection_checkpoint SET sequence_nr = $seq, updated_at = $at", ("seq", lastSequenceNr), ("at", createdAt.UtcDateTime));
            if (_embedderId is null)
            {
                Execute("UPDATE store_meta SET embedder = $embedder", ("embedder", embedder!));
            }

            FaultInjector?.Invoke("before-commit");
            transaction.Commit();
        }

        // Committed: now (and only now) the in-memory view follows, so a failed transaction leaves it untouched.
        _embedderId = embedder;
        _nextRowId = rowId;
        _checkpoint = lastSequenceNr;
        _versions.Add(new TableVersion(version, createdAt, description, lastSequenceNr, order.Count));
        _filterCache.Clear();
        var changed = new List<int>(order.Count);
        foreach (var id in order)
        {
            var (entry, vector, isNew) = pending[id];
            var stored = entry with { RowId = rowIds[id] };
            if (isNew)
            {
                _entries.Add(stored);
                _ordById[id] = stored.Ord;
            }
            else
            {
                _entries[stored.Ord] = stored;
            }

            _matrix.Set(stored.Ord, vector, stored.SuccessRate);
            changed.Add(stored.Ord);
        }

        AfterRowsChanged(changed);
        return new UpsertResult(applied, skipped, inserted, updated, version, _checkpoint);
    }

    /// <summary>
    /// Moves the checkpoint over journal events that carry no memory (e.g. notifications), in its own transaction,
    /// without creating a version. Sequence numbers at or below the checkpoint are ignored.
    /// </summary>
    public void AdvanceCheckpoint(long sequenceNr)
    {
        ThrowIfDisposed();
        if (sequenceNr <= _checkpoint)
        {
            return;
        }

        Execute("UPDATE projection_checkpoint SET sequence_nr = $seq, updated_at = $at", ("seq", sequenceNr), ("at", _clock.GetUtcNow().UtcDateTime));
        _checkpoint = sequenceNr;
    }

    /// <summary>The live statistics of the memory for <paramref name="command"/>, or null when there is none.</summary>
    public MemoryStats? GetMemory(string command)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(command);
        return _ordById.TryGetValue(IdFor(command), out var ord) ? _entries[ord].ToStats() : null;
    }

    /// <summary>
    /// Every live memory with a copy of its (L2-normalised) vector, in ordinal order. The learner derives the
    /// person's preference direction from these through the owner; nobody else opens the file.
    /// </summary>
    public IReadOnlyList<(MemoryStats Memory, float[] Vector)> ListMemoryVectors()
    {
        ThrowIfDisposed();
        var list = new List<(MemoryStats, float[])>(_entries.Count);
        foreach (var entry in _entries)
        {
            list.Add((entry.ToStats(), _matrix.Row(entry.Ord).ToArray()));
        }

        return list;
    }

    /// <summary>The live (L2-normalised) vector of memory <paramref name="id"/>, or an empty span when there is none.</summary>
    public ReadOnlySpan<float> LiveVector(string id)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(id);
        return _ordById.TryGetValue(id, out var ord) ? _matrix.Row(ord) : ReadOnlySpan<float>.Empty;
    }

    /// <summary>The readable versions, oldest first.</summary>
    public IReadOnlyList<TableVersion> ListVersions()
    {
        ThrowIfDisposed();
        return _versions.ToArray();
    }

    /// <summary>
    /// Top-k memories for <paramref name="query"/> by blended score (see <see cref="VectorMemoryStoreOptions"/>),
    /// optionally restricted by a metadata prefilter and read at an older version.
    /// </summary>
    /// <param name="query">Query embedding: <see cref="Dimensions"/> finite values, not all zero (normalised here).</param>
    /// <param name="k">Results wanted, 1..<see cref="MaxK"/>.</param>
    /// <param name="where">Optional prefilter over the metadata columns (see <see cref="WherePredicate"/>).</param>
    /// <param name="asOf">Optional version or time to read; the live table when null.</param>
    /// <exception cref="ArgumentException">k, vector, predicate or version is invalid; the message names which.</exception>
    public MemorySearchResponse Search(float[] query, int k, string? where = null, MemoryAsOf? asOf = null)
    {
        ThrowIfDisposed();
        if (k is < 1 or > MaxK)
        {
            throw new ArgumentException($"k: must be between 1 and {MaxK} (got {k})");
        }

        var normalisedQuery = NormaliseVector(query, nameof(query));
        var predicate = where is null ? null : WherePredicate.Parse(where);
        var version = asOf is null ? CurrentVersion : ResolveVersion(asOf);
        return version == CurrentVersion
            ? SearchLive(normalisedQuery, k, predicate, version)
            : SearchHistorical(normalisedQuery, k, predicate, version);
    }

    /// <summary>
    /// Drops time travel to versions before <paramref name="upToVersion"/> (default: the current version, keeping only
    /// the live table): deletes the row versions no readable version can see and the older version records. What any
    /// version at or after <paramref name="upToVersion"/> reads is unchanged, so compaction creates no new version.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="upToVersion"/> is negative or newer than the current version.</exception>
    public CompactionReport Compact(long? upToVersion = null)
    {
        ThrowIfDisposed();
        var target = upToVersion ?? CurrentVersion;
        if (target < 0 || target > CurrentVersion)
        {
            throw new ArgumentException($"upToVersion: must be between 0 and the current version {CurrentVersion} (got {target})");
        }

        if (target <= _oldestReadableVersion)
        {
            var oldest = _versions[0];
            return new CompactionReport(0, 0, null, null, oldest.Version, oldest.CreatedAt, CurrentVersion,
                $"nothing to compact: versions {oldest.Version}–{CurrentVersion} stay readable");
        }

        var removed = _versions.Where(v => v.Version < target).ToList();
        long rowsRemoved;
        using (var transaction = _connection.BeginTransaction())
        {
            rowsRemoved = ExecuteScalarLong(
                "SELECT count(*) FROM command_embeddings WHERE version_to IS NOT NULL AND version_to <= $target", ("target", target));
            Execute("DELETE FROM command_embeddings WHERE version_to IS NOT NULL AND version_to <= $target", ("target", target));
            Execute("DELETE FROM versions WHERE version < $target", ("target", target));
            Execute("UPDATE store_meta SET oldest_readable_version = $target", ("target", target));
            transaction.Commit();
        }

        Execute("CHECKPOINT");
        _versions.RemoveAll(v => v.Version < target);
        _oldestReadableVersion = target;
        _historical = null;
        var first = removed.Count > 0 ? removed[0] : null;
        var last = removed.Count > 0 ? removed[^1] : null;
        var kept = _versions[0];
        var summary = first is null
            ? $"no version records before {target}; versions {kept.Version}–{CurrentVersion} stay readable"
            : $"time travel to versions {first.Version}–{last!.Version} ({Iso(first.CreatedAt)} to {Iso(last.CreatedAt)}) is no longer possible; " +
              $"{rowsRemoved} superseded row version(s) deleted; versions {kept.Version}–{CurrentVersion} (since {Iso(kept.CreatedAt)}) stay readable";
        return new CompactionReport(removed.Count, rowsRemoved, first?.Version, last?.Version, kept.Version, kept.CreatedAt, CurrentVersion, summary);
    }

    /// <summary>
    /// Clears every vector, row version and version record (nothing from the old embedder stays readable), sets the
    /// checkpoint to 0 and expects vectors from <paramref name="embedderId"/>; the owner then replays the journal.
    /// Version numbers keep increasing, so a version number never names two different tables.
    /// </summary>
    public EmbedderResetReport ResetForEmbedder(string embedderId)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(embedderId);
        var version = CurrentVersion + 1;
        var createdAt = NextVersionTime();
        var description = $"reset for embedder {embedderId} (was {_embedderId ?? "none"})";
        long rowVersions;
        using (var transaction = _connection.BeginTransaction())
        {
            rowVersions = ExecuteScalarLong("SELECT count(*) FROM command_embeddings");
            Execute("DELETE FROM command_embeddings");
            Execute("DELETE FROM versions");
            Execute(
                "INSERT INTO versions VALUES ($version, $created, $description, 0, 0)",
                ("version", version),
                ("created", createdAt.UtcDateTime),
                ("description", description));
            Execute("UPDATE projection_checkpoint SET sequence_nr = 0, updated_at = $at", ("at", createdAt.UtcDateTime));
            Execute("UPDATE store_meta SET embedder = $embedder, oldest_readable_version = $version", ("embedder", embedderId), ("version", version));
            transaction.Commit();
        }

        Execute("CHECKPOINT");
        var report = new EmbedderResetReport(_embedderId, embedderId, _entries.Count, rowVersions, _versions.Count, version);
        _embedderId = embedderId;
        _checkpoint = 0;
        _oldestReadableVersion = version;
        _versions.Clear();
        _versions.Add(new TableVersion(version, createdAt, description, 0, 0));
        _entries.Clear();
        _ordById.Clear();
        _matrix.Clear();
        _filterCache.Clear();
        _historical = null;
        DropHnsw();
        return report;
    }

    /// <summary>
    /// Blocks until a pending HNSW build finishes (benchmarks, tests, warm-up) and swaps it in.
    /// Returns whether the graph is ready; false when no build was needed or it did not finish in time.
    /// </summary>
    public bool WaitForHnsw(TimeSpan timeout)
    {
        ThrowIfDisposed();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            PollHnsw();
            if (_hnsw is not null)
            {
                return true;
            }

            var build = _hnswBuild;
            var remaining = deadline - DateTime.UtcNow;
            if (build is null || remaining <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                build.Wait(remaining);
            }
            catch (AggregateException)
            {
                // PollHnsw records the failure and falls back to exact search.
            }
        }
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
        Execute("CHECKPOINT");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DropHnsw();
        _connection.Dispose();
    }

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static float[] ValidateRecord(MemoryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        RequireText("command", record.Command, MaxCommandLength);
        RequireText("text", record.Text, MaxTextLength);
        RequireText("embedderId", record.EmbedderId, 256);
        if (record.Intent is not null)
        {
            RequireText("intent", record.Intent, MaxCommandLength);
        }

        RequireUnit("userSatisfaction", record.UserSatisfaction);
        RequireUnit("confidence", record.Confidence);
        if (record.At.Year is < 2000 or > 9000)
        {
            throw new ArgumentException($"at: must be a plausible timestamp (got {record.At:O})");
        }

        return NormaliseVector(record.Vector, "vector");
    }

    private static void RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field}: must not be empty");
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{field}: must be at most {maxLength} characters");
        }
    }

    private static void RequireUnit(string field, double? value)
    {
        if (value is { } v && (!double.IsFinite(v) || v is < 0 or > 1))
        {
            throw new ArgumentException($"{field}: must be a finite number between 0 and 1 (got {v})");
        }
    }

    private static float[] NormaliseVector(float[]? vector, string field)
    {
        if (vector is null)
        {
            throw new ArgumentException($"{field}: must not be null");
        }

        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"{field}: must have {Dimensions} dimensions (got {vector.Length})");
        }

        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"{field}: element {i} is {vector[i]} (NaN and infinity are not allowed)");
            }
        }

        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            throw new ArgumentException($"{field}: must not be all zeros");
        }

        var copy = new float[Dimensions];
        TensorPrimitives.Divide(vector, norm, copy);
        return copy;
    }

    private void Initialise()
    {
        using (var transaction = _connection.BeginTransaction())
        {
            Execute("CREATE TABLE IF NOT EXISTS store_meta(schema_version INTEGER NOT NULL, dimensions INTEGER NOT NULL, embedder VARCHAR, oldest_readable_version BIGINT NOT NULL)");
            Execute("CREATE TABLE IF NOT EXISTS projection_checkpoint(sequence_nr BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL)");
            Execute("CREATE TABLE IF NOT EXISTS versions(version BIGINT NOT NULL, created_at TIMESTAMP NOT NULL, description VARCHAR NOT NULL, sequence_nr BIGINT NOT NULL, rows_written INTEGER NOT NULL)");
            Execute(
                $"""
                CREATE TABLE IF NOT EXISTS command_embeddings(
                    row_id BIGINT NOT NULL, ord INTEGER NOT NULL, id VARCHAR NOT NULL, vector FLOAT[{Dimensions}] NOT NULL,
                    command VARCHAR NOT NULL, text VARCHAR NOT NULL, intent VARCHAR,
                    success_rate DOUBLE NOT NULL, user_satisfaction DOUBLE, satisfaction_sum DOUBLE NOT NULL,
                    satisfaction_count BIGINT NOT NULL, confidence DOUBLE, attempts BIGINT NOT NULL, successes BIGINT NOT NULL,
                    embedder VARCHAR NOT NULL, sequence_nr BIGINT NOT NULL, created_at TIMESTAMP NOT NULL,
                    updated_at TIMESTAMP NOT NULL, version_from BIGINT NOT NULL, version_to BIGINT)
                """);
            if (ExecuteScalarLong("SELECT count(*) FROM store_meta") == 0)
            {
                var now = _clock.GetUtcNow().UtcDateTime;
                Execute("INSERT INTO store_meta VALUES ($schema, $dims, NULL, 0)", ("schema", SchemaVersion), ("dims", Dimensions));
                Execute("INSERT INTO projection_checkpoint VALUES (0, $at)", ("at", now));
                Execute("INSERT INTO versions VALUES (0, $at, 'created (empty)', 0, 0)", ("at", now));
            }

            transaction.Commit();
        }

        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT schema_version, dimensions, embedder, oldest_readable_version FROM store_meta";
            using var reader = command.ExecuteReader();
            reader.Read();
            var schema = reader.GetInt32(0);
            var dims = reader.GetInt32(1);
            if (schema != SchemaVersion || dims != Dimensions)
            {
                throw new InvalidDataException(
                    $"{Path}: schema {schema} with {dims} dimensions is not the expected schema {SchemaVersion} with {Dimensions}; delete the file to rebuild it from the journal");
            }

            _embedderId = reader.IsDBNull(2) ? null : reader.GetString(2);
            _oldestReadableVersion = reader.GetInt64(3);
        }

        _checkpoint = ExecuteScalarLong("SELECT sequence_nr FROM projection_checkpoint");
        _nextRowId = ExecuteScalarLong("SELECT coalesce(max(row_id), -1) + 1 FROM command_embeddings");
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT version, created_at, description, sequence_nr, rows_written FROM versions ORDER BY version";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _versions.Add(new TableVersion(
                    reader.GetInt64(0),
                    new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
                    reader.GetString(2),
                    reader.GetInt64(3),
                    reader.GetInt32(4)));
            }
        }

        using (var command = _connection.CreateCommand())
        {
            command.CommandText = $"SELECT {Entry.Columns}, vector FROM command_embeddings WHERE version_to IS NULL ORDER BY ord";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var entry = Entry.Read(reader);
                if (entry.Ord != _entries.Count)
                {
                    throw new InvalidDataException($"{Path}: memory ordinals are not dense (found {entry.Ord} at position {_entries.Count}); delete the file to rebuild it");
                }

                _entries.Add(entry);
                _ordById[entry.Id] = entry.Ord;
                _matrix.Set(entry.Ord, CollectionsMarshalVector(reader, Entry.ColumnCount), entry.SuccessRate);
            }
        }

        // Locked last: from here on nothing — least of all a prefilter — can read files, attach or change settings.
        Execute("SET enable_external_access = false");
        Execute("SET lock_configuration = true");
        AfterRowsChanged([]);
    }

    private static float[] CollectionsMarshalVector(DbDataReader reader, int ordinal) => reader.GetFieldValue<List<float>>(ordinal).ToArray();

    private MemorySearchResponse SearchLive(float[] query, int k, WherePredicate? predicate, long version)
    {
        PollHnsw();
        int[]? candidates = null;
        if (predicate is not null)
        {
            candidates = FilterLive(predicate);
        }

        var simWeight = (float)_options.SimilarityWeight;
        var successWeight = (float)_options.SuccessRateWeight;
        var candidateCount = candidates?.Length ?? _entries.Count;
        if (_hnsw is not null && _entries.Count >= _options.HnswThreshold)
        {
            if (candidates is null)
            {
                // Blending can promote a slightly less similar but more successful row, so fetch extra candidates.
                var fetch = successWeight > 0 ? Math.Min(_entries.Count, Math.Max(k * 4, 64)) : k;
                var top = RankCandidates(query, k, _hnsw.Search(query, fetch), null, simWeight, successWeight);
                return Respond(top, version, SearchStrategy.Hnsw, candidateCount);
            }

            if (candidates.Length > _options.ExactFilteredMaxRows)
            {
                var allowed = new bool[_entries.Count];
                foreach (var ord in candidates)
                {
                    allowed[ord] = true;
                }

                // Over-fetch so that about three times k of the graph's neighbours pass the filter.
                var fraction = (double)candidates.Length / _entries.Count;
                var fetch = (int)Math.Min(_entries.Count, Math.Ceiling(k * 3 / fraction) + 32);
                var top = RankCandidates(query, k, _hnsw.Search(query, fetch), allowed, simWeight, successWeight);
                if (top.Count >= Math.Min(k, candidates.Length))
                {
                    return Respond(top, version, SearchStrategy.HnswPostFiltered, candidateCount);
                }
            }
        }

        var exact = _matrix.Search(query, k, candidates, simWeight, successWeight, _options.ParallelScanMinRows, _options.ScanThreads);
        return Respond(exact, version, candidates is null ? SearchStrategy.Exact : SearchStrategy.ExactFiltered, candidateCount);
    }

    private TopK RankCandidates(float[] query, int k, ulong[] keys, bool[]? allowed, float simWeight, float successWeight)
    {
        var top = new TopK(k);
        foreach (var key in keys)
        {
            var ord = (int)key;
            if (ord >= _entries.Count || (allowed is not null && !allowed[ord]))
            {
                continue;
            }

            // Recompute similarity from the exact float32 row: the graph only proposes candidates.
            var similarity = _matrix.Similarity(ord, query);
            top.Offer(ord, (simWeight * similarity) + (successWeight * _matrix.SuccessRate(ord)), similarity);
        }

        return top;
    }

    private MemorySearchResponse Respond(TopK top, long version, SearchStrategy strategy, int candidates)
    {
        var results = new MemorySearchResult[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            results[i] = _entries[top.Ord(i)].ToResult(top.Score(i), top.Similarity(i));
        }

        return new MemorySearchResponse(results, version, strategy, candidates);
    }

    private int[] FilterLive(WherePredicate predicate)
    {
        if (_options.CacheFilterResults && _filterCache.TryGetValue(predicate.Sql, out var cached))
        {
            return cached;
        }

        var ords = QueryOrds($"SELECT ord FROM command_embeddings WHERE version_to IS NULL AND ({predicate.Sql})", null);
        if (_options.CacheFilterResults)
        {
            if (_filterCache.Count >= 32)
            {
                _filterCache.Clear();
            }

            _filterCache[predicate.Sql] = ords;
        }

        return ords;
    }

    private int[] QueryOrds(string sql, long? version)
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            if (version is { } v)
            {
                command.Parameters.Add(new DuckDBParameter("version", v));
            }

            using var reader = command.ExecuteReader();
            var ords = new List<int>();
            while (reader.Read())
            {
                ords.Add(reader.GetInt32(0));
            }

            return ords.ToArray();
        }
        catch (DuckDBException exception)
        {
            var message = exception.Message.Split('\n', 2)[0].Trim();
            throw WherePredicate.Error($"DuckDB cannot evaluate the predicate: {message}");
        }
    }

    private MemorySearchResponse SearchHistorical(float[] query, int k, WherePredicate? predicate, long version)
    {
        var snapshot = LoadHistorical(version);
        int[]? candidates = null;
        if (predicate is not null)
        {
            var ords = QueryOrds(
                $"SELECT ord FROM command_embeddings WHERE version_from <= $version AND (version_to IS NULL OR version_to > $version) AND ({predicate.Sql})",
                version);
            candidates = ords.Select(o => snapshot.PositionByOrd.TryGetValue(o, out var p) ? p : -1).Where(p => p >= 0).ToArray();
        }

        var top = snapshot.Matrix.Search(query, k, candidates, (float)_options.SimilarityWeight, (float)_options.SuccessRateWeight, _options.ParallelScanMinRows, _options.ScanThreads);
        var results = new MemorySearchResult[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            results[i] = snapshot.Entries[top.Ord(i)].ToResult(top.Score(i), top.Similarity(i));
        }

        return new MemorySearchResponse(results, version, SearchStrategy.ExactHistorical, candidates?.Length ?? snapshot.Entries.Count);
    }

    private Historical LoadHistorical(long version)
    {
        if (_historical is { } cached && cached.Version == version)
        {
            return cached;
        }

        var matrix = new VectorMatrix(Dimensions, quantizedScanMinRows: _options.QuantizedScanMinRows);
        var entries = new List<Entry>();
        var positions = new Dictionary<int, int>();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText =
                $"SELECT {Entry.Columns}, vector FROM command_embeddings WHERE version_from <= $version AND (version_to IS NULL OR version_to > $version) ORDER BY ord";
            command.Parameters.Add(new DuckDBParameter("version", version));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var entry = Entry.Read(reader);
                positions[entry.Ord] = entries.Count;
                matrix.Set(entries.Count, CollectionsMarshalVector(reader, Entry.ColumnCount), entry.SuccessRate);
                entries.Add(entry);
            }
        }

        _historical = new Historical(version, matrix, entries, positions);
        return _historical;
    }

    private long ResolveVersion(MemoryAsOf asOf)
    {
        var oldest = _versions[0];
        if (asOf.Version is { } version)
        {
            if (version > CurrentVersion || version < 0)
            {
                throw new ArgumentException($"asOf: version {version} does not exist (current version is {CurrentVersion})");
            }

            if (version < oldest.Version)
            {
                throw new ArgumentException(
                    $"asOf: version {version} is no longer readable (compacted or reset); the oldest readable version is {oldest.Version}");
            }

            return version;
        }

        var time = asOf.Time!.Value;
        if (time < oldest.CreatedAt)
        {
            throw new ArgumentException(
                $"asOf: {Iso(time)} is before the oldest readable version {oldest.Version} ({Iso(oldest.CreatedAt)})");
        }

        return _versions.Last(v => v.CreatedAt <= time).Version;
    }

    private DateTimeOffset NextVersionTime()
    {
        // Versions must be strictly ordered in time for as-of-time reads; DuckDB keeps microseconds.
        var now = _clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var last = _versions.Count > 0 ? _versions[^1].CreatedAt : DateTimeOffset.MinValue;
        return now > last ? now : last.AddTicks(10);
    }

    private void AfterRowsChanged(List<int> changed)
    {
        _historical = _historical is { } h && h.Version < CurrentVersion ? h : null;
        if (_hnsw is not null)
        {
            if (changed.Count <= 2048)
            {
                _hnsw.Upsert(changed, _matrix);
                return;
            }

            // A large batch is cheaper to index with a parallel rebuild than one add at a time on this thread.
            DropHnsw();
        }

        if (_hnswBuild is not null)
        {
            foreach (var ord in changed)
            {
                _dirtyDuringBuild!.Add(ord);
            }

            return;
        }

        if (_entries.Count >= _options.HnswThreshold)
        {
            StartHnswBuild();
        }
    }

    private void StartHnswBuild()
    {
        var data = _matrix.Data;
        var rows = _matrix.Count;
        var options = _options;
        _hnswCancel = new CancellationTokenSource();
        var token = _hnswCancel.Token;
        _dirtyDuringBuild = [];
        _hnswBuild = Task.Run(() => HnswIndex.Build(data, rows, Dimensions, options, token), token);
    }

    private void PollHnsw()
    {
        var build = _hnswBuild;
        if (build is null || !build.IsCompleted)
        {
            return;
        }

        _hnswBuild = null;
        _hnswCancel?.Dispose();
        _hnswCancel = null;
        var dirty = _dirtyDuringBuild!;
        _dirtyDuringBuild = null;
        if (!build.IsCompletedSuccessfully)
        {
            LastHnswError = build.Exception?.GetBaseException();
            return;
        }

        var index = build.Result;
        for (var ord = index.Rows; ord < _matrix.Count; ord++)
        {
            dirty.Add(ord);
        }

        if (dirty.Count > Math.Max(2048, index.Rows / 10))
        {
            // Too much changed while building: start over in the background rather than catch up on this thread.
            index.Dispose();
            if (_entries.Count >= _options.HnswThreshold)
            {
                StartHnswBuild();
            }

            return;
        }

        index.Upsert(dirty, _matrix);
        _hnsw = index;
    }

    private void DropHnsw()
    {
        if (_hnswBuild is { } build)
        {
            _hnswCancel?.Cancel();
            try
            {
                build.Wait();
                build.Result.Dispose();
            }
            catch (AggregateException)
            {
                // Cancelled or failed: nothing to keep.
            }

            _hnswCancel?.Dispose();
        }

        _hnswBuild = null;
        _hnswCancel = null;
        _dirtyDuringBuild = null;
        _hnsw?.Dispose();
        _hnsw = null;
    }

    private void AppendRow(DuckDBAppender appender, Entry entry, float[] vector, long version)
    {
        appender.CreateRow()
            .AppendValue(entry.RowId)
            .AppendValue(entry.Ord)
            .AppendValue(entry.Id)
            .AppendValue(vector)
            .AppendValue(entry.Command)
            .AppendValue(entry.Text)
            .AppendValue(entry.Intent)
            .AppendValue(entry.SuccessRate)
            .AppendValue(entry.UserSatisfaction)
            .AppendValue(entry.SatisfactionSum)
            .AppendValue(entry.SatisfactionCount)
            .AppendValue(entry.Confidence)
            .AppendValue(entry.Attempts)
            .AppendValue(entry.Successes)
            .AppendValue(entry.EmbedderId)
            .AppendValue(entry.SequenceNr)
            .AppendValue(entry.CreatedAt.UtcDateTime)
            .AppendValue(entry.UpdatedAt.UtcDateTime)
            .AppendValue(version)
            .AppendNullValue()
            .EndRow();
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        command.ExecuteNonQuery();
    }

    private long ExecuteScalarLong(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private sealed record Historical(long Version, VectorMatrix Matrix, List<Entry> Entries, Dictionary<int, int> PositionByOrd);

    /// <summary>One live memory (the row without its vector).</summary>
    private sealed record Entry(
        long RowId,
        int Ord,
        string Id,
        string Command,
        string Text,
        string? Intent,
        double SuccessRate,
        double? UserSatisfaction,
        double SatisfactionSum,
        long SatisfactionCount,
        double? Confidence,
        long Attempts,
        long Successes,
        string EmbedderId,
        long SequenceNr,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt)
    {
        public const string Columns =
            "row_id, ord, id, command, text, intent, success_rate, user_satisfaction, satisfaction_sum, satisfaction_count, " +
            "confidence, attempts, successes, embedder, sequence_nr, created_at, updated_at";

        public const int ColumnCount = 17;

        public static Entry Create(string id, int ord, MemoryRecord record, long sequenceNr)
        {
            var empty = new Entry(-1, ord, id, record.Command.Trim(), record.Text, null, 0, null, 0, 0, null, 0, 0,
                record.EmbedderId, sequenceNr, record.At, record.At);
            return empty.Apply(record, sequenceNr);
        }

        public Entry Apply(MemoryRecord record, long sequenceNr)
        {
            var attempts = Attempts + (record.Succeeded.HasValue ? 1 : 0);
            var successes = Successes + (record.Succeeded == true ? 1 : 0);
            var satisfactionSum = SatisfactionSum + (record.UserSatisfaction ?? 0);
            var satisfactionCount = SatisfactionCount + (record.UserSatisfaction.HasValue ? 1 : 0);
            return this with
            {
                Text = record.Text,
                Intent = record.Intent ?? Intent,
                Attempts = attempts,
                Successes = successes,
                SuccessRate = attempts == 0 ? 0 : (double)successes / attempts,
                SatisfactionSum = satisfactionSum,
                SatisfactionCount = satisfactionCount,
                UserSatisfaction = satisfactionCount == 0 ? null : satisfactionSum / satisfactionCount,
                Confidence = record.Confidence ?? Confidence,
                EmbedderId = record.EmbedderId,
                SequenceNr = sequenceNr,
                UpdatedAt = record.At > UpdatedAt ? record.At : UpdatedAt,
            };
        }

        public static Entry Read(DbDataReader reader) => new(
            reader.GetInt64(0),
            reader.GetInt32(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetDouble(6),
            reader.IsDBNull(7) ? null : reader.GetDouble(7),
            reader.GetDouble(8),
            reader.GetInt64(9),
            reader.IsDBNull(10) ? null : reader.GetDouble(10),
            reader.GetInt64(11),
            reader.GetInt64(12),
            reader.GetString(13),
            reader.GetInt64(14),
            new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(15), DateTimeKind.Utc)),
            new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(16), DateTimeKind.Utc)));

        public MemorySearchResult ToResult(double score, double similarity) =>
            new(Id, Command, Text, Intent, score, similarity, SuccessRate, UserSatisfaction, Attempts);

        public MemoryStats ToStats() =>
            new(Id, Command, Text, Intent, Attempts, Successes, SuccessRate, UserSatisfaction, Confidence, EmbedderId, SequenceNr, CreatedAt, UpdatedAt);
    }
}

/// <summary>The live statistics of one memory.</summary>
/// <param name="Id">The memory id.</param>
/// <param name="Command">The command.</param>
/// <param name="Text">The latest phrasing.</param>
/// <param name="Intent">The latest reported intent.</param>
/// <param name="Attempts">Recordings with a reported outcome.</param>
/// <param name="Successes">Recordings reported successful.</param>
/// <param name="SuccessRate">Successes / attempts (0 before any report).</param>
/// <param name="UserSatisfaction">Mean reported satisfaction, or null.</param>
/// <param name="Confidence">Latest reported confidence, or null.</param>
/// <param name="EmbedderId">The embedder of the stored vector.</param>
/// <param name="SequenceNr">The journal sequence number of the latest recording.</param>
/// <param name="CreatedAt">First recorded.</param>
/// <param name="UpdatedAt">Latest recorded.</param>
public sealed record MemoryStats(
    string Id,
    string Command,
    string Text,
    string? Intent,
    long Attempts,
    long Successes,
    double SuccessRate,
    double? UserSatisfaction,
    double? Confidence,
    string EmbedderId,
    long SequenceNr,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

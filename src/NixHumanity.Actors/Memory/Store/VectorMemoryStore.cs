using System.Security.Cryptography;
using System.Text;
using NixHumanity.Actors.Contracts;
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
/// <para><b>Versions.</b> Each applied journal event creates the version numbered by its sequence number, so a version
/// names the memory as of that event whichever batches the events arrived in (docs/adr/0031). Rows are append-only with
/// validity columns <c>[version_from, version_to)</c>; a re-recorded memory closes its old row and appends a new one,
/// also within one batch. Version 0 is the empty table. <see cref="Compact"/> deletes superseded rows and the version
/// records before a chosen version.</para>
/// <para><b>Safety.</b> The connection runs with <c>enable_external_access = false</c> and
/// <c>lock_configuration = true</c>, so a prefilter cannot read or write files, attach databases or change settings,
/// on top of <see cref="WherePredicate"/>'s validation.</para>
/// <para><b>Parts.</b> This class is the one facade its owner uses; it orders the work of <see cref="MemoryTable"/>
/// (the DuckDB file), <see cref="LiveMemories"/> (rows and exact matrix of the live version),
/// <see cref="HnswLifecycle"/> (the background graph), <see cref="LiveSearcher"/> and <see cref="HistoricalSnapshot"/>
/// (searches), <see cref="MemoryVersions"/> (versions, time travel, compaction), <see cref="UpsertPlan"/> and
/// <see cref="MemoryInputRules"/> (validation; every input error is an <see cref="InvalidInputException"/>).</para>
/// </remarks>
internal sealed partial class VectorMemoryStore : IDisposable
{
    /// <summary>
    /// The default dimension of stored vectors (all-MiniLM-L6-v2's, and every built-in embedder's: 1,536 bytes of
    /// float32 per vector). A store holds its embedder's dimension (<see cref="VectorMemoryStoreOptions.Dimensions"/>).
    /// </summary>
    public const int DefaultDimensions = 384;

    /// <summary>Largest k a search accepts.</summary>
    public const int MaxK = 1000;

    /// <summary>File name of the store inside the user's memory folder.</summary>
    public const string FileName = "memory.duckdb";

    private readonly MemoryTable _table;
    private readonly VectorMemoryStoreOptions _options;
    private readonly TimeProvider _clock;
    private readonly LiveMemories _live;
    private readonly MemoryVersions _versions;
    private readonly HnswLifecycle _hnsw;
    private readonly LiveSearcher _liveSearch;

    private long _checkpoint;
    private string? _checkpointFingerprint;
    private long _nextRowId;
    private string? _embedderId;
    private int _storedDimensions;
    private HistoricalSnapshot? _historical;
    private bool _disposed;

    private VectorMemoryStore(MemoryTable table, VectorMemoryStoreOptions options, TimeProvider clock)
    {
        _table = table;
        _options = options;
        _clock = clock;
        _live = new LiveMemories(new VectorMatrix(options.Dimensions, quantizedScanMinRows: options.QuantizedScanMinRows));
        _versions = new MemoryVersions(table, clock);
        _hnsw = new HnswLifecycle(_live, options);
        _liveSearch = new LiveSearcher(_live, _hnsw, table, options);
    }

    /// <summary>The DuckDB file.</summary>
    public string Path => _table.Path;

    /// <summary>The last journal sequence number applied (0 for an empty or reset store).</summary>
    public long Checkpoint => _checkpoint;

    /// <summary>The fingerprint of the event at <see cref="Checkpoint"/> (<see cref="Projections.EventFingerprint"/>), or
    /// null when none was recorded with it.</summary>
    public string? CheckpointFingerprint => _checkpointFingerprint;

    /// <summary>The newest table version.</summary>
    public long CurrentVersion => _versions.Current;

    /// <summary>The oldest version time travel can still read.</summary>
    public long OldestReadableVersion => _versions.OldestReadable;

    /// <summary>Live memories (distinct commands).</summary>
    public int Count => _live.Count;

    /// <summary>Components of every vector the store takes and searches with (its embedder's dimension).</summary>
    public int Dimensions => _options.Dimensions;

    /// <summary>The embedder whose vectors the store holds, or null before the first upsert.</summary>
    public string? EmbedderId => _embedderId;

    /// <summary>True when searches of the live version can use the HNSW graph.</summary>
    public bool IsHnswReady => _hnsw.Ready is not null;

    /// <summary>The error of the last failed HNSW build, if any (searches then stay exact).</summary>
    public Exception? LastHnswError => _hnsw.LastError;

    /// <summary>Rows the last live exact scan recomputed in float32 after its int8 pass (0 when it did not use one).</summary>
    internal int LastRescoredRows => _live.Matrix.LastRescoredRows;

    /// <summary>Test hook: called with a stage name inside the upsert transaction, before commit.</summary>
    internal Action<string>? FaultInjector { get; set; }

    /// <summary>Test hook: runs raw SQL on the store's connection to prove the connection-level lockdown.</summary>
    internal object? ExecuteScalarUnvalidatedForTests(string sql) => _table.ExecuteScalarUnvalidated(sql);

    /// <summary>Test hook: the query a live search filtered by <paramref name="where"/> runs (after parsing it).</summary>
    internal string PrefilterSqlForTests(string where) => _table.PrefilterSql(WherePredicate.Parse(where), null);

    /// <summary>Opens (or creates) the store at <paramref name="path"/>.</summary>
    /// <param name="path">The DuckDB file, normally <c>&lt;user folder&gt;/memory/memory.duckdb</c>.</param>
    /// <param name="options">Tuning; defaults when null.</param>
    /// <param name="clock">Clock stamping versions and timing <see cref="WaitForHnsw"/>; the system clock when null.</param>
    /// <exception cref="InvalidDataException">The file was written by an incompatible schema.</exception>
    /// <exception cref="InvalidInputException">The options are out of range (field <c>options</c>).</exception>
    public static VectorMemoryStore Open(string path, VectorMemoryStoreOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new VectorMemoryStoreOptions();
        options.Validate();
        var table = MemoryTable.Open(System.IO.Path.GetFullPath(path), options.Dimensions, options.SharedInstanceFolder);
        var store = new VectorMemoryStore(table, options, clock ?? TimeProvider.System);
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

    /// <summary>True when the store holds vectors from an embedder other than <paramref name="embedderId"/>, or of
    /// another dimension than <see cref="Dimensions"/> (then none of them was loaded). The owner then calls
    /// <see cref="ResetForEmbedder"/> and replays the journal.</summary>
    public bool IsEmbedderMismatch(string embedderId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(embedderId);
        return _embedderId is not null && (_storedDimensions != Dimensions || !string.Equals(_embedderId, embedderId, StringComparison.Ordinal));
    }

    /// <summary>Applies one journal event; see <see cref="Upsert(IReadOnlyList{ValueTuple{long, MemoryRecord}}, string?)"/>.</summary>
    public UpsertResult Upsert(long sequenceNr, MemoryRecord record, string? fingerprint = null) => Upsert([(sequenceNr, record)], fingerprint);

    /// <summary>
    /// Applies a batch of journal events in one transaction, producing one table version per applied event, numbered by
    /// its sequence number. Events at or below
    /// the checkpoint are skipped (exactly once). All records are validated first; an invalid record rejects the
    /// whole batch and nothing changes.
    /// </summary>
    /// <exception cref="InvalidInputException">A record is invalid or sequence numbers are not strictly increasing.</exception>
    /// <exception cref="InvalidOperationException">A record's embedder differs from the store's (see <see cref="ResetForEmbedder"/>).</exception>
    /// <param name="batch">The events' records with their sequence numbers, increasing.</param>
    /// <param name="lastFingerprint">The fingerprint of the batch's last event, stored with the checkpoint.</param>
    public UpsertResult Upsert(IReadOnlyList<(long SequenceNr, MemoryRecord Record)> batch, string? lastFingerprint = null)
    {
        ThrowIfDisposed();
        ThrowIfOtherDimension();
        var vectors = MemoryInputRules.ValidateBatch(batch, Dimensions);
        var plan = UpsertPlan.Create(batch, vectors, _checkpoint, _embedderId, _live, _nextRowId);
        if (plan.Applied == 0)
        {
            return new UpsertResult(0, plan.Skipped, 0, 0, CurrentVersion, _checkpoint);
        }

        var versions = _versions.Stamp(plan.Events);
        var write = new BatchWrite(versions, plan.ClosedRows, plan.Rows, plan.LastSequenceNr, _embedderId is null ? plan.EmbedderId : null, lastFingerprint);
        // At the instance's memory limit: checkpoint and retry once (the transaction rolled back; docs/adr/0049).
        OutOfMemoryRetry.Run(
            () =>
            {
                _table.WriteBatch(write, FaultInjector);
                return true;
            },
            _table.Flush);

        // Committed: now (and only now) the in-memory view follows, so a failed transaction leaves it untouched.
        _embedderId = plan.EmbedderId;
        _nextRowId += plan.Rows.Count;
        _checkpoint = plan.LastSequenceNr;
        _checkpointFingerprint = lastFingerprint;
        _versions.Add(versions);
        _liveSearch.InvalidateFilters();
        var changed = _live.Apply(plan.LatestRows.Select(r => (r.Entry, r.Vector, r.IsNew)));
        AfterRowsChanged(changed);
        return new UpsertResult(plan.Applied, plan.Skipped, plan.Inserted, plan.Updated, CurrentVersion, _checkpoint);
    }

    /// <summary>
    /// Moves the checkpoint over journal events that carry no memory (e.g. notifications), in its own transaction,
    /// without creating a version. Sequence numbers at or below the checkpoint are ignored.
    /// </summary>
    /// <param name="sequenceNr">The last event's sequence number.</param>
    /// <param name="fingerprint">That event's fingerprint, stored with the checkpoint.</param>
    public void AdvanceCheckpoint(long sequenceNr, string? fingerprint = null)
    {
        ThrowIfDisposed();
        if (sequenceNr <= _checkpoint)
        {
            return;
        }

        _table.WriteCheckpoint(sequenceNr, _clock.GetUtcNow(), fingerprint);
        _checkpoint = sequenceNr;
        _checkpointFingerprint = fingerprint;
    }

    /// <summary>The live statistics of the memory for <paramref name="command"/>, or null when there is none.</summary>
    public MemoryStats? GetMemory(string command)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(command);
        return _live.TryGetOrd(IdFor(command), out var ord) ? _live[ord].ToStats() : null;
    }

    /// <summary>
    /// Every live memory with a copy of its (L2-normalised) vector, in ordinal order. The learner derives the
    /// person's preference direction from these through the owner; nobody else opens the file.
    /// </summary>
    public IReadOnlyList<(MemoryStats Memory, float[] Vector)> ListMemoryVectors()
    {
        ThrowIfDisposed();
        return _live.Entries.Select(entry => (entry.ToStats(), _live.Matrix.Row(entry.Ord).ToArray())).ToList();
    }

    /// <summary>The live (L2-normalised) vector of memory <paramref name="id"/>, or an empty span when there is none.</summary>
    public ReadOnlySpan<float> LiveVector(string id)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(id);
        return _live.TryGetOrd(id, out var ord) ? _live.Matrix.Row(ord) : ReadOnlySpan<float>.Empty;
    }

    /// <summary>The readable versions, oldest first.</summary>
    public IReadOnlyList<TableVersion> ListVersions()
    {
        ThrowIfDisposed();
        return _versions.ToList();
    }

    /// <summary>
    /// Top-k memories for a vector-only <paramref name="query"/> (dense channel alone; see
    /// <see cref="Search(MemoryQuery, int, string?, MemoryAsOf?)"/>).
    /// </summary>
    /// <param name="query">Query embedding: <see cref="Dimensions"/> finite values, not all zero (normalised here).</param>
    /// <param name="k">Results wanted, 1..<see cref="MaxK"/>.</param>
    /// <param name="where">Optional prefilter over the metadata columns (see <see cref="WherePredicate"/>).</param>
    /// <param name="asOf">Optional version or time to read; the live table when null.</param>
    /// <exception cref="InvalidInputException">k, vector, predicate or version is invalid; the rejection names which
    /// (<c>k</c>, <c>query</c>, <c>where</c>, <c>asOf</c>).</exception>
    public MemorySearchResponse Search(float[] query, int k, string? where = null, MemoryAsOf? asOf = null) =>
        Search(new MemoryQuery(null, query), k, where, asOf);

    /// <summary>
    /// Top-k memories for <paramref name="query"/>: with a text, the dense, lexical (BM25 over text and command) and
    /// typo (BM25 over character 3-grams) channels fused by the weights of <see cref="VectorMemoryStoreOptions"/>;
    /// the ranking score blends that relevance with the success rate. Every channel reads the version asked for and
    /// only the rows the prefilter allows. When no candidate's confidence reaches
    /// <see cref="VectorMemoryStoreOptions.AbstainBelow"/>, the response is flagged as abstaining.
    /// </summary>
    /// <param name="query">Query text (may be null) and embedding (<see cref="Dimensions"/> finite values, not all zero; normalised here).</param>
    /// <param name="k">Results wanted, 1..<see cref="MaxK"/>.</param>
    /// <param name="where">Optional prefilter over the metadata columns (see <see cref="WherePredicate"/>).</param>
    /// <param name="asOf">Optional version or time to read; the live table when null.</param>
    /// <exception cref="InvalidInputException">k, vector, predicate or version is invalid; the rejection names which
    /// (<c>k</c>, <c>query</c>, <c>where</c>, <c>asOf</c>).</exception>
    public MemorySearchResponse Search(MemoryQuery query, int k, string? where = null, MemoryAsOf? asOf = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(query);
        MemoryInputRules.RequireK(k);
        ThrowIfOtherDimension();
        var normalised = query with { Vector = MemoryInputRules.NormaliseVector(query.Vector, Dimensions, nameof(query)) };
        var predicate = where is null ? null : WherePredicate.Parse(where);
        var version = asOf is null ? CurrentVersion : _versions.Resolve(asOf);
        if (version == CurrentVersion)
        {
            return _liveSearch.Search(normalised, k, predicate, version);
        }

        if (_historical?.Version != version)
        {
            _historical = HistoricalSnapshot.Load(_table, version, _options);
        }

        return _historical.Search(normalised, k, predicate, _table, _options);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // The only wait for background HNSW builds: none may outlive the store.
        _hnsw.Dispose();
        _table.Dispose();
    }

    private void Initialise()
    {
        _table.CreateSchema(_clock);
        (_embedderId, var oldestReadable, _storedDimensions) = _table.ReadMeta();
        if (_storedDimensions != Dimensions && _embedderId is null)
        {
            // No vector was ever stored: the file takes the embedder's dimension as it is.
            _table.WriteDimensions();
            _storedDimensions = Dimensions;
        }

        _checkpoint = _table.ReadCheckpoint();
        _checkpointFingerprint = _table.ReadCheckpointFingerprint();
        _nextRowId = _table.ReadNextRowId();
        _versions.Load(oldestReadable);
        if (_storedDimensions == Dimensions)
        {
            // Vectors of another dimension are another embedder's: never loaded, the owner resets the store.
            _live.Load(_table.CountLiveRows(), _table.ReadLiveRows, Path);
        }

        _table.LockDown();
        AfterRowsChanged([]);
    }

    private void AfterRowsChanged(List<int> changed)
    {
        // A cached older version stays valid (versions are immutable); the live one is answered by the live searcher.
        _historical = _historical is { } h && h.Version < CurrentVersion ? h : null;
        _hnsw.AfterRowsChanged(changed);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void ThrowIfOtherDimension()
    {
        if (_storedDimensions != Dimensions)
        {
            throw new InvalidOperationException(
                $"{Path} holds {_storedDimensions}-dimensional vectors of {_embedderId}; reset it for the {Dimensions}-dimensional embedder first (ResetForEmbedder)");
        }
    }
}

using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The DuckDB analytics database of one user (<c>analytics.duckdb</c>): one connection shared by the parts that own
/// its tables — <see cref="JournalProjection"/> (the session journal projected into interactions, command attempts
/// and events, with its checkpoint), <see cref="StrategyQueries"/> (the strategy's three queries),
/// <see cref="BiometricSeries"/> (sensor samples, in their own file <c>biometrics.duckdb</c>: not a projection, see
/// ADR 0015), <see cref="FoldLedger"/> (fold counters, watermark and log),
/// <see cref="NextCommandTransitions"/> (next-command counts) and <see cref="AnalyticsParquetExport"/>.
/// <para>
/// <b>Single owner.</b> The user's <c>LearnerActor</c> is the only code that opens this file: it creates the
/// store in <c>PreStart</c>, calls it from its message handlers (so calls never overlap) and disposes it in
/// <c>PostStop</c>. The class is therefore not thread-safe and takes no locks; DuckDB itself would also refuse a
/// second process opening the file for writing.
/// </para>
/// <para>
/// <b>Exactly once.</b> <see cref="ApplyBatch"/> writes the projected rows and the new checkpoint (the last event's
/// journal sequence number) in one transaction, so after a crash either both or neither are on disk; an event at or
/// below the checkpoint is a no-op. Deleting the file and replaying the journal from sequence number 1 rebuilds it;
/// the biometric samples are not journal events and stay in <c>biometrics.duckdb</c>, which a rebuild leaves alone.
/// </para>
/// <para>
/// Timestamps are stored as UTC in <c>TIMESTAMP</c> columns (not <c>TIMESTAMPTZ</c>) so that
/// <c>date_trunc('week', …)</c> means an ISO week (Monday 00:00 UTC) whatever the machine's time zone.
/// </para>
/// </summary>
internal sealed class AnalyticsStore : IDisposable
{
    /// <summary>The file name of the store inside the learner's folder.</summary>
    public const string FileName = "analytics.duckdb";

    private static readonly string[] CountedTables = ["interactions", "command_attempts", "events", "biometrics"];

    private readonly AnalyticsDatabase _db;
    private readonly JournalProjection _projection;
    private readonly BiometricSeries _biometrics;
    private readonly NextCommandTransitions _transitions;
    private readonly FoldLedger _folds;
    private bool _disposed;

    private AnalyticsStore(AnalyticsDatabase db, BiometricSeries biometrics, TimeProvider clock)
    {
        _db = db;
        _biometrics = biometrics;
        _projection = JournalProjection.Open(db, clock);
        var watermarks = FoldWatermarks.Open(db);
        _transitions = NextCommandTransitions.Open(db, watermarks);
        _folds = FoldLedger.Open(db, watermarks, _transitions);
    }

    /// <summary>The database file.</summary>
    public string Path => _db.Path;

    /// <summary>A <c>biometrics.duckdb</c> that could not be opened and was moved aside on open (the owner reports it), or null.</summary>
    internal BiometricsSetAside? BiometricsSetAsideOnOpen => _biometrics.SetAsideOnOpen;

    /// <summary>The journal sequence number of the last applied event (0 when none).</summary>
    public long Checkpoint => _projection.Checkpoint;

    /// <summary>The fingerprint of the event at <see cref="Checkpoint"/>, or null when none was recorded.</summary>
    public string? CheckpointFingerprint => _projection.CheckpointFingerprint;

    /// <summary>Statements run on the analytics and biometrics files since they were opened (<see cref="AnalyticsDatabase.Statements"/>).</summary>
    public long Statements => _db.Statements + _biometrics.Database.Statements;

    /// <summary>The journal sequence number of the last interaction folded into the preferences (0 when none).</summary>
    public long FoldedThrough
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _folds.FoldedThrough;
        }
    }

    /// <summary>Opens (creating when missing) the analytics database in <paramref name="folder"/>.</summary>
    /// <param name="folder">The learner's folder; created when missing.</param>
    /// <param name="clock">Stamps the checkpoint's <c>updated_at</c>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="sharedInstanceFolder">The data directory's users folder, whose learners' shared instance holds the
    /// files (<see cref="AnalyticsDatabase.Open"/>); null: the process's instance.</param>
    public static AnalyticsStore Open(string folder, TimeProvider? clock = null, string? sharedInstanceFolder = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, FileName);
        // A file created now holds no table from before biometrics had a file of their own.
        var created = !File.Exists(path);
        var db = AnalyticsDatabase.Open(path, sharedInstanceFolder);
        BiometricSeries? biometrics = null;
        try
        {
            biometrics = BiometricSeries.Open(folder, db, clock ?? TimeProvider.System, movePastBiometrics: !created);
            return new AnalyticsStore(db, biometrics, clock ?? TimeProvider.System);
        }
        catch
        {
            biometrics?.Dispose();
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Projects one journal event. Returns <c>false</c> (and changes nothing) when <paramref name="sequenceNr"/>
    /// is at or below the checkpoint, i.e. the event was applied before.
    /// </summary>
    /// <param name="sequenceNr">The event's journal sequence number (≥ 1).</param>
    /// <param name="evt">The event.</param>
    public bool Apply(long sequenceNr, ISessionEvent evt) => ApplyBatch([new JournaledSessionEvent(sequenceNr, evt)]) == 1;

    /// <summary>
    /// Projects several journal events in one transaction together with the new checkpoint. Entries at or below
    /// the checkpoint are skipped; the rest must have strictly increasing sequence numbers (gaps are allowed).
    /// Returns how many entries were applied.
    /// </summary>
    /// <param name="entries">The events in journal order.</param>
    /// <exception cref="ArgumentException">Sequence numbers are not increasing.</exception>
    public int ApplyBatch(IReadOnlyList<JournaledSessionEvent> entries)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(entries);
        // At the instance's memory limit: checkpoint and retry once (the batch rolled back; docs/adr/0049).
        return OutOfMemoryRetry.Run(() => _projection.ApplyBatch(entries), Flush);
    }

    /// <summary>Runs <see cref="StrategyQueries.FlowSql"/>: a row per person with flow sessions (this store holds one).</summary>
    public IReadOnlyList<FlowRow> FlowRows()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return StrategyQueries.ReadFlow(_db);
    }

    /// <summary>Runs <see cref="StrategyQueries.LearningSql"/>: a row per ISO week (Monday 00:00 UTC), oldest first.</summary>
    /// <param name="userId">The person this store belongs to (the rows carry it).</param>
    public IReadOnlyList<LearningCurveRow> LearningCurveRows(string userId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return StrategyQueries.ReadLearningCurve(_db, userId);
    }

    /// <summary>Runs <see cref="StrategyQueries.InterruptionsSql"/>: a row per flow period, by start time.</summary>
    /// <param name="userId">The person this store belongs to (the rows carry it).</param>
    public IReadOnlyList<InterruptionRow> InterruptionRows(string userId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return StrategyQueries.ReadInterruptions(_db, userId);
    }

    /// <summary>
    /// Runs one of the strategy's queries (<see cref="StrategyQueries"/>) and returns its rows by column name, as one
    /// person's result prints them (no <c>user_id</c> column for the learning curve and the interruptions, so the typed
    /// rows behind them carry an empty user id).
    /// </summary>
    /// <param name="query">Which query.</param>
    public QueryResult Run(AnalyticsQuery query) => query switch
    {
        AnalyticsQuery.Flow => QueryResult.Of(FlowRows()),
        AnalyticsQuery.Learning => QueryResult.Of(LearningCurveRows(string.Empty), withUser: false),
        AnalyticsQuery.Interruptions => QueryResult.Of(InterruptionRows(string.Empty), withUser: false),
        _ => throw new ArgumentOutOfRangeException(nameof(query), query, AnalyticsQueries.Rule),
    };

    /// <summary>Runs <see cref="StrategyQueries.FlowSql"/>: <c>user_id</c>, <c>avg_flow_duration</c> (seconds), <c>peak_coherence</c>.</summary>
    public QueryResult FlowSessions() => Run(AnalyticsQuery.Flow);

    /// <summary>Runs <see cref="StrategyQueries.LearningSql"/>: <c>week</c> (Monday 00:00 UTC), <c>mastery</c>.</summary>
    public QueryResult LearningCurve() => Run(AnalyticsQuery.Learning);

    /// <summary>Runs <see cref="StrategyQueries.InterruptionsSql"/>: <c>flow_start</c>, <c>flow_end</c>, <c>interruptions</c>.</summary>
    public QueryResult Interruptions() => Run(AnalyticsQuery.Interruptions);

    /// <summary>
    /// Appends biometric samples through DuckDB's appender. Every sample is checked first (scores finite and in
    /// [0,1], a user id, a timestamp after 1970); the first bad one throws <see cref="Contracts.InvalidInputException"/>
    /// naming the field and the sample's index, and nothing is appended.
    /// </summary>
    /// <param name="samples">The samples; appending them in time order keeps time-window queries fast (DuckDB
    /// skips row groups by their min/max timestamp).</param>
    public void AppendBiometrics(IReadOnlyList<BiometricSample> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(samples);
        _biometrics.Append(samples);
    }

    /// <summary>
    /// Loads an export's <c>biometrics.parquet</c> into a person without samples, keeping the samples' original times;
    /// returns how many were loaded (0 when the file is missing). Refused (field <c>biometrics</c>) when the person
    /// already has samples or an exported sample breaks the sample rules; then nothing is loaded.
    /// </summary>
    /// <param name="parquetFile">The exported file.</param>
    /// <param name="userId">The person the samples now belong to.</param>
    public long RestoreBiometrics(string parquetFile, string userId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(parquetFile);
        return _biometrics.Restore(parquetFile, userId);
    }

    /// <summary>The average <c>flow_state</c> of the samples with <c>now - window &lt; timestamp ≤ now</c>.</summary>
    /// <param name="window">How far back to look; must be positive.</param>
    /// <param name="now">The end of the window.</param>
    public FlowStateAverage AverageFlowState(TimeSpan window, DateTimeOffset now)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _biometrics.AverageFlowState(window, now);
    }

    /// <summary>Row counts of the projection's tables and the biometrics (for status output and tests).</summary>
    public IReadOnlyDictionary<string, long> TableCounts()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return CountedTables.ToDictionary(table => table, table => DatabaseOf(table).Count(table), StringComparer.Ordinal);
    }

    /// <summary>
    /// Aggregates the interactions after the fold watermark (up to <paramref name="through"/>) and adds them to the
    /// running totals. Returns <c>null</c> when there is nothing new to fold. Nothing is written: <see cref="CommitFold"/> does that.
    /// </summary>
    /// <param name="through">The last sequence number to take (all when omitted).</param>
    public FoldBatch? PrepareFold(long through = long.MaxValue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _folds.Prepare(through);
    }

    /// <summary>
    /// Commits a prepared fold: the new totals, the watermark, the transition counts up to it and a line in the
    /// fold log with the fold's preference direction, in one transaction. Call it after the fragment is on disk: if the process dies in between, the
    /// next fold folds the same interactions into a fragment with the same values (reads do not change), and no
    /// counter is ever added twice.
    /// </summary>
    /// <param name="batch">What <see cref="PrepareFold"/> returned (no other write in between).</param>
    /// <param name="stamp">The fragment's stamp.</param>
    /// <param name="fragment">The fragment file written, if any.</param>
    /// <param name="features">Cells written into it.</param>
    /// <param name="direction">The preference direction written into it (features 0..d-1), or null when none was.</param>
    public void CommitFold(FoldBatch batch, DateTimeOffset stamp, string? fragment, int features, float[]? direction = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(batch);
        _folds.Commit(batch, stamp, fragment, features, direction);
    }

    /// <summary>
    /// Every fold in the fold log, oldest first, with the running totals it computed its behaviour features from
    /// (recomputed from the interactions, exactly as the fold did) and the preference direction it logged; what
    /// rebuilding lost preference fragments needs.
    /// </summary>
    public IReadOnlyList<LoggedFold> ReplayFolds()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _folds.Replay();
    }

    /// <summary>
    /// Brings the next-command transition counts up to the projection's checkpoint (they have their own
    /// watermark, so asking for suggestions does not need a fold). Returns the interactions examined.
    /// </summary>
    public long UpdateTransitions()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _transitions.UpdateTo(_projection.Checkpoint);
    }

    /// <summary>
    /// The commands most often run right after the person's latest command (within a session), with the share of
    /// those transitions each one had; the phrasing is the latest text that produced the command.
    /// </summary>
    /// <param name="limit">How many to return.</param>
    public NextCommandPrediction PredictNext(int limit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _transitions.PredictNext(limit);
    }

    /// <summary>
    /// Per command, how much the person leans on it: <c>(2·successes − attempts) / (attempts + 1)</c> over its
    /// attempts, in (−1, 1) — frequent success pushes it towards 1, repeated failure towards −1.
    /// </summary>
    public IReadOnlyDictionary<string, double> CommandAffinities()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return CommandAffinityQuery.Read(_db);
    }

    /// <summary>Writes each of <see cref="AnalyticsParquetExport.Tables"/> to <c>&lt;folder&gt;/&lt;table&gt;.parquet</c>; returns the row counts.</summary>
    /// <param name="folder">The target folder (created).</param>
    public IReadOnlyDictionary<string, long> ExportParquet(string folder)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return AnalyticsParquetExport.Write(DatabaseOf, folder, TableCounts());
    }

    // The biometric samples live in their own file (ADR 0015); every other table in analytics.duckdb.
    private AnalyticsDatabase DatabaseOf(string table) =>
        string.Equals(table, BiometricSeries.Table, StringComparison.Ordinal) ? _biometrics.Database : _db;

    /// <summary>Writes the write-ahead logs of both files (analytics and biometrics) into the files (DuckDB <c>CHECKPOINT</c>).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _db.Execute("CHECKPOINT");
        _biometrics.Database.Execute("CHECKPOINT");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _biometrics.Dispose();
        _db.Dispose();
    }
}

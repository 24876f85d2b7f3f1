using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// <see cref="IPreferenceTensorStore"/> as immutable Parquet fragments in <c>&lt;folder&gt;/fragments/</c>, written
/// and read through an in-memory DuckDB connection (<c>COPY … TO … (FORMAT parquet)</c> and
/// <c>read_parquet</c>).
/// <para>
/// Each fragment file holds the columns <c>user_id INTEGER, feature INTEGER, time UINTEGER, seq BIGINT,
/// preference FLOAT</c> sorted by <c>(user_id, feature)</c>; <c>time</c> is the stamp in seconds since the epoch
/// and <c>seq</c> the write order of the fragment the cell was written in. The file name
/// <c>f-&lt;stamp:D10&gt;-&lt;seq:D10&gt;-&lt;random&gt;.parquet</c> encodes the stamp, the write order and a unique
/// suffix. A file is written as <c>*.tmp</c> and renamed into place, so a crash leaves either the whole fragment
/// or a temporary file that the next <see cref="Open(string, TimeProvider, PreferenceLayout, string)"/> deletes.
/// </para>
/// <para>
/// <b>Ordering.</b> Per coordinate the cell with the greatest <c>(time, seq)</c> among those with
/// <c>time ≤ T</c> wins: the latest stamp, and for equal stamps (same second) the later write.
/// </para>
/// <para>
/// <b>Consolidation and time travel.</b> The learner consolidates after each fold under
/// <see cref="ConsolidationPolicy"/> (<see cref="ConsolidateAged"/>: per complete hour, day and month as fragments
/// age); <see cref="Consolidate"/> merges everything up to a cut-off on request. Consolidating at cut-off C merges all fragments stamped ≤ C into one
/// fragment that keeps, per coordinate, only the winning cell <i>with its original time and seq</i>. Reads at
/// T ≥ C are unchanged. What is lost is the overwritten history before C: a read at T &lt; C still sees every
/// coordinate whose last value before C was written at or before T (with the same value as before), but a
/// coordinate that was overwritten between T and C no longer shows its older value at T — it is absent from
/// that read. In short, reads before the cut-off see the consolidated state restricted to cells written by
/// then.
/// </para>
/// <para>
/// <b>Reads.</b> <see cref="Read"/> is answered from an in-memory index of all cell versions, loaded from the
/// fragments through DuckDB on <see cref="Open(string, TimeProvider, PreferenceLayout, string)"/> and kept in step by every change, because opening Parquet files
/// through DuckDB costs about a millisecond each and a read over 1,000 fragments would take seconds.
/// <see cref="ReadFromDisk"/> answers the same read with DuckDB from the files (pruned by each fragment's user,
/// feature and time ranges); the tests check that both agree.
/// </para>
/// <para>
/// The parts: <see cref="FragmentFiles"/> (naming, atomic writes, DuckDB access), <see cref="FragmentCatalog"/> (the
/// fragments and their ranges), <see cref="TensorVersionIndex"/> (the in-memory read index),
/// <see cref="FragmentDiskReader"/>, <see cref="FragmentConsolidation"/> and <see cref="TensorCellRules"/> (input rules).
/// </para>
/// <para>
/// <b>Damage.</b> <see cref="FragmentManifest"/> lists every fragment with its size and SHA-256. On <see cref="Open(string, TimeProvider, PreferenceLayout, string)"/>
/// a listed fragment that is missing or whose bytes changed (truncated, overwritten, a flipped bit), an unlisted file that
/// cannot be read, or an unreadable manifest makes the whole folder damaged: it is set aside as
/// <c>fragments.damaged-&lt;time&gt;</c> with its manifest (never deleted), the store opens empty and <see cref="Damage"/> says what was
/// found, so the owner can rebuild the tensor (the learner does, from its fold log; see <c>PreferenceRebuild</c>).
/// </para>
/// <para>
/// <b>Single owner.</b> The user's <c>LearnerActor</c> owns the folder; the class is not thread-safe.
/// </para>
/// </summary>
internal sealed class ParquetTensorStore : IPreferenceTensorStore
{
    /// <summary>The largest user id.</summary>
    public const int MaxUserId = 1_000_000;

    /// <summary>The folder holding the fragments, inside the store's folder.</summary>
    public const string FragmentsFolderName = "fragments";

    /// <summary>The fragments' manifest (each file's size and SHA-256), beside the fragments folder.</summary>
    public const string ManifestFileName = FragmentsFolderName + FragmentManifest.Suffix;

    private readonly FragmentFiles _files;
    private readonly PreferenceLayout _layout;
    private FragmentCatalog _catalog = new();
    private TensorVersionIndex _index;
    private FragmentManifest _manifest = null!;
    private bool _deferManifest;
    private bool _disposed;

    private ParquetTensorStore(FragmentFiles files, PreferenceLayout layout)
    {
        _files = files;
        _layout = layout;
        _index = new TensorVersionIndex(layout.FeatureCount);
    }

    /// <summary>Where the tensor keeps the direction and the behaviour features (the embedder's dimension).</summary>
    public PreferenceLayout Layout => _layout;

    /// <summary>The folder with the fragment files.</summary>
    public string FragmentsFolder => _files.Folder;

    /// <summary>
    /// What was found wrong with the fragments when the store opened (the folder was then set aside and the store
    /// opened empty), or <c>null</c> when every fragment was as written.
    /// </summary>
    public FragmentDamage? Damage { get; private set; }

    /// <summary>Opens (creating when missing) the tensor store in <paramref name="folder"/>; see <see cref="Open(string, TimeProvider, PreferenceLayout, string)"/>.</summary>
    /// <param name="folder">The owner's folder; <c>fragments/</c> is created inside it.</param>
    public static ParquetTensorStore Open(string folder) => Open(folder, TimeProvider.System);

    /// <summary>
    /// Opens (creating when missing) the tensor store in <paramref name="folder"/>, checking every fragment against the
    /// manifest; a damaged folder is set aside and the store opens empty (<see cref="Damage"/>).
    /// </summary>
    /// <param name="folder">The owner's folder; <c>fragments/</c> is created inside it.</param>
    /// <param name="clock">Names a damaged folder when it is set aside.</param>
    /// <param name="layout">The layout for the embedder's dimension (<see cref="PreferenceLayout.Default"/> when null);
    /// fragments laid out for another dimension are set aside like damaged ones (<see cref="FragmentDamage.LayoutChanged"/>).</param>
    /// <param name="sharedInstanceFolder">The data directory's users folder, whose learners' shared instance queries the
    /// fragments (<c>PerUserDuckDb.OpenLearnerShared</c>); null: the process's instance.</param>
    public static ParquetTensorStore Open(string folder, TimeProvider clock, PreferenceLayout? layout = null, string? sharedInstanceFolder = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(clock);
        var files = FragmentFiles.Open(Path.Combine(folder, FragmentsFolderName), sharedInstanceFolder);
        try
        {
            var store = new ParquetTensorStore(files, layout ?? PreferenceLayout.Default);
            store.Load(clock);
            return store;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public FragmentInfo Write(IReadOnlyList<TensorCell> cells, DateTimeOffset stamp)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(cells);
        var seconds = TensorCellRules.ToSeconds("stamp", stamp);
        TensorCellRules.Validate(cells, _layout.FeatureCount);

        var seq = _catalog.TakeWriteOrder();
        _files.Execute("CREATE OR REPLACE TEMP TABLE staging (user_id INTEGER, feature INTEGER, time UINTEGER, seq BIGINT, preference FLOAT)");
        try
        {
            using (var appender = _files.CreateAppender("staging"))
            {
                foreach (var cell in cells)
                {
                    appender.CreateRow()
                        .AppendValue(cell.UserId)
                        .AppendValue(cell.Feature)
                        .AppendValue(seconds)
                        .AppendValue(seq)
                        .AppendValue(cell.Value)
                        .EndRow();
                }
            }

            var fileName = FragmentFiles.NewFileName(seconds, seq);
            _files.WriteAtomically(fileName, $"SELECT {FragmentFiles.Columns} FROM staging ORDER BY user_id, feature");
            var info = _files.Describe(fileName);
            _catalog.Add(info);
            foreach (var cell in cells)
            {
                _index.Add(cell.UserId, cell.Feature, seconds, seq, seq, cell.Value);
            }

            _manifest.Record(fileName);
            if (!_deferManifest)
            {
                _manifest.Save();
            }

            return info;
        }
        finally
        {
            _files.Execute("DROP TABLE IF EXISTS staging");
        }
    }

    /// <inheritdoc />
    /// <remarks>Served from the in-memory version index (see <see cref="ReadFromDisk"/> for the same read through DuckDB).</remarks>
    public IReadOnlyList<TensorValue> Read(DateTimeOffset atTime, int? userId = null, FeatureRange? features = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (userId is { } u)
        {
            TensorCellRules.CheckUser("userId", u);
        }

        return _index.Read(TensorCellRules.FloorSeconds(atTime), userId, features ?? _layout.All);
    }

    /// <summary>
    /// The same read as <see cref="Read"/>, answered by DuckDB from the Parquet fragments on disk
    /// (<see cref="FragmentDiskReader"/>). Slower — each file costs about a millisecond to open — but independent
    /// of the in-memory index; used to check it.
    /// </summary>
    /// <param name="atTime">The time to read at.</param>
    /// <param name="userId">Only this user, when given.</param>
    /// <param name="features">Only these features, when given.</param>
    public IReadOnlyList<TensorValue> ReadFromDisk(DateTimeOffset atTime, int? userId = null, FeatureRange? features = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (userId is { } u)
        {
            TensorCellRules.CheckUser("userId", u);
        }

        return FragmentDiskReader.Read(_files, _catalog.All, TensorCellRules.FloorSeconds(atTime), userId, features);
    }

    /// <inheritdoc />
    public FragmentInfo? Consolidate(DateTimeOffset cutoff)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return FragmentConsolidation.Run(_files, _catalog, _index, _manifest, TensorCellRules.FloorSeconds(cutoff));
    }

    /// <inheritdoc />
    public IReadOnlyList<FragmentInfo> ConsolidateAged(DateTimeOffset now)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ConsolidationPolicy.Plan(_catalog.All, now)
            .Select(group => FragmentConsolidation.Merge(_files, _catalog, _index, _manifest, group))
            .ToList();
    }

    /// <inheritdoc />
    public TensorDeletion DeleteUser(int userId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TensorCellRules.CheckUser("userId", userId);
        long removed = 0;
        var rewritten = 0;
        var deleted = 0;
        foreach (var fragment in _catalog.All.Where(f => f.MinUserId <= userId && userId <= f.MaxUserId).ToList())
        {
            var path = DuckDbLiteral.Of(_files.PathOf(fragment.FileName));
            var cells = _files.Scalar($"SELECT COUNT(*) FROM read_parquet({path}) WHERE user_id = {userId}");
            if (cells == 0)
            {
                continue;
            }

            removed += cells;
            _catalog.Remove(fragment);
            if (cells == fragment.Cells)
            {
                File.Delete(_files.PathOf(fragment.FileName));
                _manifest.Forget(fragment.FileName);
                deleted++;
                continue;
            }

            // Same name: the fragment keeps its stamp and write order, only the user's cells are gone.
            _files.WriteAtomically(fragment.FileName, $"SELECT {FragmentFiles.Columns} FROM read_parquet({path}) WHERE user_id <> {userId} ORDER BY user_id, feature");
            _catalog.Add(_files.Describe(fragment.FileName) with { Stamp = fragment.Stamp });
            _manifest.Record(fragment.FileName);
            rewritten++;
        }

        // Saved after the files are gone: a crash in between leaves listed files missing (a rebuild from the fold log,
        // which forgetting empties too), never unlisted ones that would be adopted with the user's cells.
        _manifest.Save();
        _index.RemoveUser(userId);
        return new TensorDeletion(userId, removed, rewritten, deleted);
    }

    /// <summary>
    /// Writes one fragment per entry (as <see cref="Write"/> does, in order) and saves the manifest once at the end
    /// rather than after each: rebuilding a tensor from its fold log writes one fragment per logged fold.
    /// </summary>
    /// <param name="fragments">The cells and stamp of each fragment.</param>
    public void WriteAll(IEnumerable<(IReadOnlyList<TensorCell> Cells, DateTimeOffset Stamp)> fragments)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(fragments);
        _deferManifest = true;
        try
        {
            foreach (var (cells, stamp) in fragments)
            {
                Write(cells, stamp);
            }
        }
        finally
        {
            _deferManifest = false;
            _manifest.Save();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<FragmentInfo> ListFragments()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _catalog.All.ToList();
    }

    /// <inheritdoc />
    public long Statements => _files.Statements;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _files.Dispose();
    }

    private void Load(TimeProvider clock)
    {
        var names = _files.Prepare();
        var problems = FragmentFolderCheck.Run(_files, names, out var manifest);
        var relaid = false;
        if (problems.Count == 0 && manifest!.DirectionDimensions != _layout.DirectionDimensions)
        {
            if (names.Count == 0)
            {
                // Nothing written yet: the folder simply takes the new layout.
                manifest.DirectionDimensions = _layout.DirectionDimensions;
            }
            else
            {
                // Features d.. are the behaviour features: another d reads them in the wrong places. Never loaded.
                problems.Add($"{FragmentsFolderName}: laid out for a {manifest.DirectionDimensions}-dimensional preference direction; the embedder now gives {_layout.DirectionDimensions}");
                relaid = true;
            }
        }

        if (problems.Count == 0 && names.Count > 0)
        {
            try
            {
                // One pass over all fragments: the cells for the index and, from the same rows, each file's ranges
                // (reads consult these to skip files).
                _catalog.AddExisting(_files.LoadAndDescribe(names, _index));
            }
            catch (DuckDBException ex)
            {
                problems.Add($"{FragmentsFolderName}: unreadable ({ex.Message.Split('\n')[0]})");
            }
        }

        if (problems.Count > 0)
        {
            // Nothing of the folder is trusted: it is set aside whole and the owner rebuilds the tensor.
            var aside = SetAside.Move(FragmentsFolder, relaid ? "relaid" : "damaged", clock.GetUtcNow());
            var manifestPath = FragmentManifest.PathFor(FragmentsFolder);
            if (aside is not null && File.Exists(manifestPath))
            {
                // The manifest goes with the files it describes, to compare them by hand.
                File.Move(manifestPath, Path.Combine(aside, ManifestFileName));
            }

            Damage = new FragmentDamage(problems, aside, relaid);
            _catalog = new FragmentCatalog();
            _index = new TensorVersionIndex(_layout.FeatureCount);
            _files.Prepare();
            manifest = FragmentManifest.Empty(FragmentsFolder);
            manifest.DirectionDimensions = _layout.DirectionDimensions;
        }

        _manifest = manifest!;
        _manifest.Save();
    }
}

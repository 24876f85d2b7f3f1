using System.Globalization;
using System.Text.RegularExpressions;
using System.Text;
using DuckDB.NET.Data;
using NixHumanity.Actors.Contracts;
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
/// or a temporary file that the next <see cref="Open"/> deletes.
/// </para>
/// <para>
/// <b>Ordering.</b> Per coordinate the cell with the greatest <c>(time, seq)</c> among those with
/// <c>time ≤ T</c> wins: the latest stamp, and for equal stamps (same second) the later write.
/// </para>
/// <para>
/// <b>Consolidation and time travel.</b> Consolidating at cut-off C merges all fragments stamped ≤ C into one
/// fragment that keeps, per coordinate, only the winning cell <i>with its original time and seq</i>. Reads at
/// T ≥ C are unchanged. What is lost is the overwritten history before C: a read at T &lt; C still sees every
/// coordinate whose last value before C was written at or before T (with the same value as before), but a
/// coordinate that was overwritten between T and C no longer shows its older value at T — it is absent from
/// that read. In short, reads before the cut-off see the consolidated state restricted to cells written by
/// then.
/// </para>
/// <para>
/// <b>Reads.</b> <see cref="Read"/> is answered from an in-memory index of all cell versions, loaded from the
/// fragments through DuckDB on <see cref="Open"/> and kept in step by every change, because opening Parquet files
/// through DuckDB costs about a millisecond each and a read over 1,000 fragments would take seconds.
/// <see cref="ReadFromDisk"/> answers the same read with DuckDB from the files (pruned by each fragment's user,
/// feature and time ranges); the tests check that both agree.
/// </para>
/// <para>
/// <b>Single owner.</b> The user's <c>LearnerActor</c> owns the folder; the class is not thread-safe.
/// </para>
/// </summary>
public sealed partial class ParquetTensorStore : IPreferenceTensorStore
{
    /// <summary>The largest user id.</summary>
    public const int MaxUserId = 1_000_000;

    /// <summary>The folder holding the fragments, inside the store's folder.</summary>
    public const string FragmentsFolderName = "fragments";

    private const string Columns = "user_id, feature, time, seq, preference";

    // Cells compare by time * 2^31 + seq (seq < 2^31, time < 2^32, so the key fits an unsigned 64-bit integer).
    private const string OrderKey = "(time::UBIGINT * 2147483648 + seq::UBIGINT)";

    private readonly DuckDBConnection _duck;
    private readonly List<FragmentInfo> _fragments = [];
    private readonly TensorVersionIndex _index = new();
    private long _nextSeq = 1;
    private bool _disposed;

    private ParquetTensorStore(string folder, DuckDBConnection duck)
    {
        FragmentsFolder = Path.Combine(folder, FragmentsFolderName);
        _duck = duck;
    }

    /// <summary>The folder with the fragment files.</summary>
    public string FragmentsFolder { get; }

    /// <summary>Opens (creating when missing) the tensor store in <paramref name="folder"/>.</summary>
    /// <param name="folder">The owner's folder; <c>fragments/</c> is created inside it.</param>
    public static ParquetTensorStore Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var duck = PerUserDuckDb.Connection(":memory:");
        try
        {
            duck.Open();
            var store = new ParquetTensorStore(folder, duck);
            store.Load();
            return store;
        }
        catch
        {
            duck.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public FragmentInfo Write(IReadOnlyList<TensorCell> cells, DateTimeOffset stamp)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(cells);
        var seconds = ToSeconds("stamp", stamp);
        Validate(cells);

        var seq = _nextSeq++;
        Execute("CREATE OR REPLACE TEMP TABLE staging (user_id INTEGER, feature INTEGER, time UINTEGER, seq BIGINT, preference FLOAT)");
        try
        {
            using (var appender = _duck.CreateAppender("staging"))
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

            var fileName = NewFileName(seconds, seq);
            WriteAtomically(fileName, $"SELECT {Columns} FROM staging ORDER BY user_id, feature");
            var info = Describe(fileName);
            _fragments.Add(info);
            SortFragments();
            foreach (var cell in cells)
            {
                _index.Add(cell.UserId, cell.Feature, seconds, seq, seq, cell.Value);
            }

            return info;
        }
        finally
        {
            Execute("DROP TABLE IF EXISTS staging");
        }
    }

    /// <inheritdoc />
    /// <remarks>Served from the in-memory version index (see <see cref="ReadFromDisk"/> for the same read through DuckDB).</remarks>
    public IReadOnlyList<TensorValue> Read(DateTimeOffset atTime, int? userId = null, FeatureRange? features = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (userId is { } u)
        {
            CheckUser("userId", u);
        }

        return _index.Read(FloorSeconds(atTime), userId, features ?? FeatureRange.All);
    }

    /// <summary>
    /// The same read as <see cref="Read"/>, answered by DuckDB from the Parquet fragments on disk
    /// (<c>read_parquet</c> over the fragments that can contribute, <c>arg_max</c> by (time, seq)). Slower — each
    /// file costs about a millisecond to open — but independent of the in-memory index; used to check it.
    /// </summary>
    /// <param name="atTime">The time to read at.</param>
    /// <param name="userId">Only this user, when given.</param>
    /// <param name="features">Only these features, when given.</param>
    public IReadOnlyList<TensorValue> ReadFromDisk(DateTimeOffset atTime, int? userId = null, FeatureRange? features = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (userId is { } u)
        {
            CheckUser("userId", u);
        }

        var at = FloorSeconds(atTime);
        var files = _fragments
            .Where(f => f.MinTime.ToUnixTimeSeconds() <= at
                        && (userId is not { } user || (f.MinUserId <= user && user <= f.MaxUserId))
                        && (features is null || (f.MinFeature <= features.Last && features.First <= f.MaxFeature)))
            .Select(f => f.FileName)
            .ToList();
        if (files.Count == 0)
        {
            return [];
        }

        var filter = new StringBuilder($"time <= {at.ToString(CultureInfo.InvariantCulture)}");
        if (userId is { } uid)
        {
            filter.Append(CultureInfo.InvariantCulture, $" AND user_id = {uid}");
        }

        if (features is not null)
        {
            filter.Append(CultureInfo.InvariantCulture, $" AND feature BETWEEN {features.First} AND {features.Last}");
        }

        var sql = $"""
            SELECT user_id, feature, arg_max(preference, k), arg_max(time, k)
            FROM (SELECT user_id, feature, preference, time, {OrderKey} AS k FROM {ParquetList(files)} WHERE {filter})
            GROUP BY user_id, feature
            ORDER BY user_id, feature
            """;
        using var command = _duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var result = new List<TensorValue>();
        while (reader.Read())
        {
            result.Add(new TensorValue(
                reader.GetInt32(0),
                reader.GetInt32(1),
                reader.GetFloat(2),
                DateTimeOffset.FromUnixTimeSeconds(Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture))));
        }

        return result;
    }

    /// <inheritdoc />
    public FragmentInfo? Consolidate(DateTimeOffset cutoff)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var limit = FloorSeconds(cutoff);
        var merged = _fragments.Where(f => f.Stamp.ToUnixTimeSeconds() <= limit).ToList();
        if (merged.Count < 2)
        {
            return null;
        }

        var stamp = (uint)merged.Max(f => f.Stamp.ToUnixTimeSeconds());
        var fileName = NewFileName(stamp, _nextSeq++);

        // Each winning cell keeps its own time and seq, so the ordering against fragments written later (or
        // back-dated) is exactly as before; the new file is in place before the old ones go, so a crash in
        // between leaves duplicates of identical cells, which reads resolve to the same values.
        WriteAtomically(fileName, $"""
            SELECT user_id, feature, arg_max(time, k) AS time, arg_max(seq, k) AS seq, arg_max(preference, k) AS preference
            FROM (SELECT {Columns}, {OrderKey} AS k FROM {ParquetList(merged.Select(f => f.FileName))})
            GROUP BY user_id, feature
            ORDER BY user_id, feature
            """);
        var info = Describe(fileName) with { Stamp = DateTimeOffset.FromUnixTimeSeconds(stamp) };
        _index.Consolidate(merged.Select(f => f.WriteOrder).ToHashSet(), info.WriteOrder);
        foreach (var fragment in merged)
        {
            File.Delete(Path.Combine(FragmentsFolder, fragment.FileName));
            _fragments.Remove(fragment);
        }

        _fragments.Add(info);
        SortFragments();
        return info;
    }

    /// <inheritdoc />
    public TensorDeletion DeleteUser(int userId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckUser("userId", userId);
        long removed = 0;
        var rewritten = 0;
        var deleted = 0;
        foreach (var fragment in _fragments.Where(f => f.MinUserId <= userId && userId <= f.MaxUserId).ToList())
        {
            var path = Path.Combine(FragmentsFolder, fragment.FileName);
            var cells = Scalar($"SELECT COUNT(*) FROM read_parquet({Quote(path)}) WHERE user_id = {userId}");
            if (cells == 0)
            {
                continue;
            }

            removed += cells;
            _fragments.Remove(fragment);
            if (cells == fragment.Cells)
            {
                File.Delete(path);
                deleted++;
                continue;
            }

            // Same name: the fragment keeps its stamp and write order, only the user's cells are gone.
            WriteAtomically(fragment.FileName, $"SELECT {Columns} FROM read_parquet({Quote(path)}) WHERE user_id <> {userId} ORDER BY user_id, feature");
            _fragments.Add(Describe(fragment.FileName) with { Stamp = fragment.Stamp });
            rewritten++;
        }

        _index.RemoveUser(userId);
        SortFragments();
        return new TensorDeletion(userId, removed, rewritten, deleted);
    }

    /// <inheritdoc />
    public IReadOnlyList<FragmentInfo> ListFragments()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _fragments.ToList();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _duck.Dispose();
    }

    private void Load()
    {
        Directory.CreateDirectory(FragmentsFolder);
        foreach (var leftover in Directory.EnumerateFiles(FragmentsFolder, "*.tmp"))
        {
            // A write that crashed before its rename; the fragment never existed.
            File.Delete(leftover);
        }

        var names = Directory.EnumerateFiles(FragmentsFolder, "f-*.parquet")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => FileNamePattern().IsMatch(n))
            .ToList();
        if (names.Count == 0)
        {
            return;
        }

        // One pass over all fragments for their ranges; afterwards reads consult these to skip files.
        var sql = $"""
            SELECT parse_filename(filename), COUNT(*), MIN(user_id), MAX(user_id), MIN(feature), MAX(feature), MIN(time), MAX(time)
            FROM {ParquetList(names, withFileName: true)}
            GROUP BY filename
            """;
        using var command = _duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var fileName = reader.GetString(0);
            var match = FileNamePattern().Match(fileName);
            var seq = long.Parse(match.Groups["seq"].Value, CultureInfo.InvariantCulture);
            _nextSeq = Math.Max(_nextSeq, seq + 1);
            _fragments.Add(ToInfo(fileName, reader));
        }

        SortFragments();
        LoadIndex(names);
    }

    private void LoadIndex(List<string> names)
    {
        using var command = _duck.CreateCommand();
        command.CommandText = $"SELECT user_id, feature, time, seq, preference, parse_filename(filename) FROM {ParquetList(names, withFileName: true)}";
        using var reader = command.ExecuteReader();
        var fragmentOf = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var name = reader.GetString(5);
            if (!fragmentOf.TryGetValue(name, out var fragment))
            {
                fragment = long.Parse(FileNamePattern().Match(name).Groups["seq"].Value, CultureInfo.InvariantCulture);
                fragmentOf[name] = fragment;
            }

            _index.Add(reader.GetInt32(0), reader.GetInt32(1), Convert.ToUInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
                reader.GetInt64(3), fragment, reader.GetFloat(4));
        }
    }

    private FragmentInfo Describe(string fileName)
    {
        var path = Path.Combine(FragmentsFolder, fileName);
        using var command = _duck.CreateCommand();
        command.CommandText = $"SELECT {Quote(fileName)}, COUNT(*), MIN(user_id), MAX(user_id), MIN(feature), MAX(feature), MIN(time), MAX(time) FROM read_parquet({Quote(path)})";
        using var reader = command.ExecuteReader();
        reader.Read();
        return ToInfo(fileName, reader);
    }

    private static FragmentInfo ToInfo(string fileName, System.Data.Common.DbDataReader reader)
    {
        var match = FileNamePattern().Match(fileName);
        var stamp = long.Parse(match.Groups["stamp"].Value, CultureInfo.InvariantCulture);
        var seq = long.Parse(match.Groups["seq"].Value, CultureInfo.InvariantCulture);
        var count = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        if (count == 0)
        {
            return new FragmentInfo(fileName, DateTimeOffset.FromUnixTimeSeconds(stamp), seq, 0, 0, -1, 0, -1, DateTimeOffset.FromUnixTimeSeconds(stamp));
        }

        return new FragmentInfo(
            fileName,
            DateTimeOffset.FromUnixTimeSeconds(stamp),
            seq,
            count,
            reader.GetInt32(2),
            reader.GetInt32(3),
            reader.GetInt32(4),
            reader.GetInt32(5),
            DateTimeOffset.FromUnixTimeSeconds(Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture)));
    }

    private void WriteAtomically(string fileName, string select)
    {
        var final = Path.Combine(FragmentsFolder, fileName);
        var temporary = final + ".tmp";
        try
        {
            Execute($"COPY ({select}) TO {Quote(temporary)} (FORMAT parquet, COMPRESSION zstd)");
            File.Move(temporary, final, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private void SortFragments() => _fragments.Sort((a, b) =>
    {
        var byStamp = a.Stamp.CompareTo(b.Stamp);
        return byStamp != 0 ? byStamp : a.WriteOrder.CompareTo(b.WriteOrder);
    });

    private string ParquetList(IEnumerable<string> fileNames, bool withFileName = false)
    {
        var list = string.Join(", ", fileNames.Select(n => Quote(Path.Combine(FragmentsFolder, n))));
        return withFileName ? $"read_parquet([{list}], filename = true)" : $"read_parquet([{list}])";
    }

    private static string NewFileName(uint stamp, long seq) =>
        string.Create(CultureInfo.InvariantCulture, $"f-{stamp:D10}-{seq:D10}-{Guid.NewGuid():N}.parquet");

    private static void Validate(IReadOnlyList<TensorCell> cells)
    {
        if (cells.Count == 0)
        {
            throw Reject("cells", "must hold at least one cell");
        }

        var seen = new HashSet<long>(cells.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            CheckUser($"cells[{i}].userId", cell.UserId);
            if (cell.Feature is < 0 or >= FeatureRange.FeatureCount)
            {
                throw Reject($"cells[{i}].feature", $"must be between 0 and {FeatureRange.FeatureCount - 1} (was {cell.Feature})");
            }

            if (!float.IsFinite(cell.Value))
            {
                throw Reject($"cells[{i}].value", $"must be a finite number (was {cell.Value.ToString(CultureInfo.InvariantCulture)})");
            }

            if (!seen.Add(((long)cell.UserId * FeatureRange.FeatureCount) + cell.Feature))
            {
                throw Reject($"cells[{i}]", $"coordinate (user {cell.UserId}, feature {cell.Feature}) appears twice in one fragment");
            }
        }
    }

    private static void CheckUser(string field, int userId)
    {
        if (userId is < 0 or > MaxUserId)
        {
            throw Reject(field, $"must be between 0 and {MaxUserId} (was {userId})");
        }
    }

    private static uint ToSeconds(string field, DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        if (seconds < 0 || seconds > uint.MaxValue)
        {
            throw Reject(field, $"must be between 1970-01-01 and 2106-02-07 (was {time:O})");
        }

        return (uint)seconds;
    }

    // Times before the epoch read as "before everything"; times past 2106 as "after everything".
    private static long FloorSeconds(DateTimeOffset time) => Math.Clamp(time.ToUnixTimeSeconds(), -1, uint.MaxValue);

    private long Scalar(string sql)
    {
        using var command = _duck.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var command = _duck.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));

    [GeneratedRegex(@"^f-(?<stamp>\d{10})-(?<seq>\d{10})-[0-9a-f]{32}\.parquet$")]
    private static partial Regex FileNamePattern();
}

using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// The fragment files of a <see cref="ParquetTensorStore"/> on disk and the in-memory DuckDB connection that writes
/// and reads them: file naming (<c>f-&lt;stamp:D10&gt;-&lt;seq:D10&gt;-&lt;random&gt;.parquet</c>), atomic writes
/// (<c>*.tmp</c> renamed into place), describing a file's ranges and listing files for <c>read_parquet</c>.
/// </summary>
internal sealed partial class FragmentFiles : IDisposable
{
    /// <summary>The columns of every fragment file, in order.</summary>
    public const string Columns = "user_id, feature, time, seq, preference";

    /// <summary>
    /// The SQL ordering key of a cell: time * 2^31 + seq (seq &lt; 2^31, time &lt; 2^32, so the key fits an unsigned
    /// 64-bit integer). The greatest key among cells of a coordinate wins.
    /// </summary>
    public const string OrderKey = "(time::UBIGINT * 2147483648 + seq::UBIGINT)";

    private const string Ranges = "COUNT(*), MIN(user_id), MAX(user_id), MIN(feature), MAX(feature), MIN(time), MAX(time)";

    private readonly DuckDBConnection _duck;

    private FragmentFiles(string folder, DuckDBConnection duck)
    {
        Folder = folder;
        _duck = duck;
    }

    /// <summary>The folder holding the fragment files.</summary>
    public string Folder { get; }

    /// <summary>Opens an in-memory DuckDB connection for the fragments in <paramref name="folder"/>.</summary>
    /// <param name="folder">The fragments folder.</param>
    /// <param name="sharedInstanceFolder">The users folder whose learners' shared instance runs the queries; null: the process's.</param>
    public static FragmentFiles Open(string folder, string? sharedInstanceFolder = null) =>
        new(folder, PerUserDuckDb.OpenLearnerShared(":memory:", sharedInstanceFolder));

    /// <summary>Creates the folder, deletes leftovers of crashed writes and returns the fragment file names.</summary>
    public List<string> Prepare()
    {
        Directory.CreateDirectory(Folder);
        foreach (var leftover in Directory.EnumerateFiles(Folder, "*.tmp"))
        {
            // A write that crashed before its rename; the fragment never existed.
            File.Delete(leftover);
        }

        return Directory.EnumerateFiles(Folder, "f-*.parquet")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => FileNamePattern().IsMatch(n))
            .ToList();
    }

    /// <summary>A new unique file name for a fragment stamped <paramref name="stamp"/> with write order <paramref name="seq"/>.</summary>
    public static string NewFileName(uint stamp, long seq) =>
        string.Create(CultureInfo.InvariantCulture, $"f-{stamp:D10}-{seq:D10}-{Guid.NewGuid():N}.parquet");

    /// <summary>The write order encoded in a fragment's file name.</summary>
    public static long WriteOrderOf(string fileName) =>
        long.Parse(FileNamePattern().Match(fileName).Groups["seq"].Value, CultureInfo.InvariantCulture);

    /// <summary>The full path of a fragment file.</summary>
    public string PathOf(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>Writes the rows of <paramref name="select"/> as the fragment <paramref name="fileName"/>, whole or not at all.</summary>
    public void WriteAtomically(string fileName, string select)
    {
        var final = PathOf(fileName);
        var temporary = final + ".tmp";
        try
        {
            Execute($"COPY ({select}) TO {DuckDbLiteral.Of(temporary)} (FORMAT parquet, COMPRESSION zstd)");
            File.Move(temporary, final, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>The stamp, write order and ranges of one fragment file.</summary>
    public FragmentInfo Describe(string fileName)
    {
        using var command = Command($"SELECT {DuckDbLiteral.Of(fileName)}, {Ranges} FROM read_parquet({DuckDbLiteral.Of(PathOf(fileName))})");
        using var reader = command.ExecuteReader();
        reader.Read();
        return ToInfo(fileName, reader);
    }

    /// <summary>
    /// Adds every cell version in <paramref name="fileNames"/> to <paramref name="index"/> and describes each file from
    /// the same rows: one pass over the files, since opening a Parquet file through DuckDB costs about a millisecond
    /// (describing and loading separately paid that twice on every learner start).
    /// </summary>
    public List<FragmentInfo> LoadAndDescribe(IReadOnlyList<string> fileNames, TensorVersionIndex index)
    {
        using var command = Command($"SELECT {Columns}, parse_filename(filename) FROM {ParquetList(fileNames, withFileName: true)}");
        using var reader = command.ExecuteReader();
        var ranges = new Dictionary<string, CellRanges>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var name = reader.GetString(5);
            if (!ranges.TryGetValue(name, out var range))
            {
                range = new CellRanges(WriteOrderOf(name));
                ranges[name] = range;
            }

            var (user, feature) = (reader.GetInt32(0), reader.GetInt32(1));
            var time = Convert.ToUInt32(reader.GetValue(2), CultureInfo.InvariantCulture);
            range.Add(user, feature, time);
            index.Add(user, feature, time, reader.GetInt64(3), range.WriteOrder, reader.GetFloat(4));
        }

        return fileNames.Select(name => ranges.TryGetValue(name, out var range) ? range.ToInfo(name, StampOf(name)) : Empty(name)).ToList();
    }

    /// <summary><c>read_parquet([...])</c> over <paramref name="fileNames"/> in the folder.</summary>
    public string ParquetList(IEnumerable<string> fileNames, bool withFileName = false)
    {
        var list = string.Join(", ", fileNames.Select(n => DuckDbLiteral.Of(PathOf(n))));
        return withFileName ? $"read_parquet([{list}], filename = true)" : $"read_parquet([{list}])";
    }

    /// <summary>Statements and appenders created on the connection since it was opened (see <c>AnalyticsDatabase.Statements</c>).</summary>
    public long Statements { get; private set; }

    /// <summary>A command on the connection (the caller disposes it).</summary>
    public DuckDBCommand Command(string sql)
    {
        Statements++;
        var command = _duck.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Runs a statement.</summary>
    public void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a query with one integer result.</summary>
    public long Scalar(string sql)
    {
        using var command = Command(sql);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Appends rows to a table of the in-memory database.</summary>
    public DuckDBAppender CreateAppender(string table)
    {
        Statements++;
        return _duck.CreateAppender(table);
    }

    /// <inheritdoc />
    public void Dispose() => PerUserDuckDb.Close(_duck);

    private static DateTimeOffset StampOf(string fileName) =>
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(FileNamePattern().Match(fileName).Groups["stamp"].Value, CultureInfo.InvariantCulture));

    private static FragmentInfo Empty(string fileName) =>
        new(fileName, StampOf(fileName), WriteOrderOf(fileName), 0, 0, -1, 0, -1, StampOf(fileName));

    private static FragmentInfo ToInfo(string fileName, DbDataReader reader)
    {
        var match = FileNamePattern().Match(fileName);
        var stamp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(match.Groups["stamp"].Value, CultureInfo.InvariantCulture));
        var seq = long.Parse(match.Groups["seq"].Value, CultureInfo.InvariantCulture);
        var count = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        if (count == 0)
        {
            return new FragmentInfo(fileName, stamp, seq, 0, 0, -1, 0, -1, stamp);
        }

        return new FragmentInfo(
            fileName,
            stamp,
            seq,
            count,
            reader.GetInt32(2),
            reader.GetInt32(3),
            reader.GetInt32(4),
            reader.GetInt32(5),
            DateTimeOffset.FromUnixTimeSeconds(Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"^f-(?<stamp>\d{10})-(?<seq>\d{10})-[0-9a-f]{32}\.parquet$")]
    private static partial Regex FileNamePattern();
}

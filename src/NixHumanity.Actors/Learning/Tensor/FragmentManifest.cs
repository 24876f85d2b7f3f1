using System.Text.Json;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// The list of fragment files a <see cref="ParquetTensorStore"/> has written, with each file's size and SHA-256
/// (<c>fragments.manifest.json</c> beside the <c>fragments/</c> folder, which thus holds fragments only), so that a fragment deleted, truncated, overwritten or with changed bytes is noticed
/// when the store opens instead of being read as it is or silently missed (DuckDB does not check Parquet page
/// checksums, so changed bytes could otherwise be read as other values).
/// <para>
/// The manifest is saved after the files it lists are in place and before files it no longer lists are deleted, so
/// a crash in between leaves a file the manifest does not list, never a listed file that is missing. Such an
/// unlisted file is adopted on the next open when it can be read (a fragment written just before the crash, or a
/// fragment a consolidation had merged: duplicates of cells that resolve to the same reads). A folder without a
/// manifest (written before manifests existed) is adopted the same way, file by file.
/// </para>
/// </summary>
internal sealed class FragmentManifest
{
    /// <summary>What the manifest's file name adds to the fragments folder's path (it lies beside the folder).</summary>
    public const string Suffix = ".manifest.json";

    /// <summary>A manifest lists each fragment in about a hundred bytes; a year of folds stays far below this.</summary>
    private const long MaxBytes = 64L * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private readonly string _folder;
    private readonly SortedDictionary<string, FragmentChecksum> _files;

    private FragmentManifest(string folder, SortedDictionary<string, FragmentChecksum> files, bool found)
    {
        _folder = folder;
        _files = files;
        Found = found;
    }

    /// <summary>
    /// The preference direction's dimension the fragments were laid out for (<see cref="PreferenceLayout"/>); 384 for a
    /// manifest written before it was recorded, or for none.
    /// </summary>
    public int DirectionDimensions { get; set; } = PreferenceLayout.DefaultDimensions;

    /// <summary>Whether a manifest was on disk when the store opened.</summary>
    public bool Found { get; }

    /// <summary>The fragment files listed.</summary>
    public IReadOnlyCollection<string> Files => _files.Keys;

    /// <summary>Reads the manifest in <paramref name="folder"/>: empty and not <see cref="Found"/> when there is none.</summary>
    /// <exception cref="InvalidDataException">The manifest cannot be read.</exception>
    public static FragmentManifest Read(string folder)
    {
        var path = PathFor(folder);
        if (!File.Exists(path))
        {
            return new FragmentManifest(folder, new SortedDictionary<string, FragmentChecksum>(StringComparer.Ordinal), found: false);
        }

        if (!InputFile.IsReadable(path, MaxBytes))
        {
            // Checked before opening: a FIFO planted here would block the learner for ever, /dev/zero would never end.
            throw new InvalidDataException($"{path}: {InputFile.NonRegularKind(path) ?? "too large"}, not a manifest of at most {MaxBytes:N0} bytes");
        }

        try
        {
            var stored = JsonSerializer.Deserialize<StoredManifest>(File.ReadAllText(path), Json);
            if (stored?.Fragments is not { } fragments || fragments.Values.Any(f => f is null || f.Sha256 is null))
            {
                throw new InvalidDataException($"{path}: no fragment list");
            }

            return new FragmentManifest(folder, new SortedDictionary<string, FragmentChecksum>(fragments, StringComparer.Ordinal), found: true)
            {
                DirectionDimensions = stored.DirectionDimensions ?? PreferenceLayout.DefaultDimensions,
            };
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>The manifest of the fragments in <paramref name="folder"/>: <c>&lt;folder&gt;.manifest.json</c>.</summary>
    public static string PathFor(string folder) => Path.TrimEndingDirectorySeparator(folder) + Suffix;

    /// <summary>An empty manifest for <paramref name="folder"/> (a new or rebuilt store).</summary>
    public static FragmentManifest Empty(string folder) =>
        new(folder, new SortedDictionary<string, FragmentChecksum>(StringComparer.Ordinal), found: false);

    /// <summary>
    /// What is wrong with the listed file <paramref name="fileName"/>: <c>missing</c>, a size or checksum mismatch,
    /// or <c>null</c> when it is as written.
    /// </summary>
    public string? Check(string fileName)
    {
        var path = Path.Combine(_folder, fileName);
        if (!File.Exists(path))
        {
            return "missing";
        }

        if (InputFile.NonRegularKind(path) is { } found)
        {
            // Never opened: reading a FIFO blocks for ever, a device never ends.
            return $"{found}, not a fragment file";
        }

        var expected = _files[fileName];
        var actual = FragmentChecksum.Of(path);
        if (actual.Bytes != expected.Bytes)
        {
            return $"size {actual.Bytes} bytes instead of {expected.Bytes}";
        }

        return string.Equals(actual.Sha256, expected.Sha256, StringComparison.Ordinal)
            ? null
            : $"checksum mismatch (sha256 {actual.Sha256[..12]}… instead of {expected.Sha256[..12]}…)";
    }

    /// <summary>Lists <paramref name="fileName"/> (now on disk) with its size and checksum.</summary>
    public void Record(string fileName) => _files[fileName] = FragmentChecksum.Of(Path.Combine(_folder, fileName));

    /// <summary>No longer lists <paramref name="fileName"/>.</summary>
    public void Forget(string fileName) => _files.Remove(fileName);

    /// <summary>Writes the manifest, whole or not at all.</summary>
    public void Save()
    {
        var path = PathFor(_folder);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new StoredManifest(1, new Dictionary<string, FragmentChecksum>(_files, StringComparer.Ordinal), DirectionDimensions), Json));
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record StoredManifest(int Version, Dictionary<string, FragmentChecksum>? Fragments, int? DirectionDimensions);
}

using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// Checks the fragment files on disk against the <see cref="FragmentManifest"/> when a <see cref="ParquetTensorStore"/>
/// opens: every listed file must be there with the size and SHA-256 it was written with; a file the manifest does
/// not list (a crash between writing it and saving the manifest, or a folder from before manifests) is adopted when
/// DuckDB can read it.
/// </summary>
internal static class FragmentFolderCheck
{
    /// <summary>
    /// What is wrong, one line per file (<c>&lt;file&gt;: &lt;what&gt;</c>); empty when the folder is as written. Returns
    /// the manifest, with adopted files recorded, in <paramref name="manifest"/> (null when it could not be read).
    /// </summary>
    /// <param name="files">The store's files.</param>
    /// <param name="names">The fragment files on disk.</param>
    /// <param name="manifest">The manifest read and completed, or null when it was unreadable.</param>
    public static List<string> Run(FragmentFiles files, IReadOnlyList<string> names, out FragmentManifest? manifest)
    {
        try
        {
            manifest = FragmentManifest.Read(files.Folder);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            manifest = null;
            return [$"{Path.GetFileName(FragmentManifest.PathFor(files.Folder))}: unreadable ({ex.Message})"];
        }

        var problems = new List<string>();
        foreach (var listed in manifest.Files)
        {
            if (manifest.Check(listed) is { } wrong)
            {
                problems.Add($"{listed}: {wrong}");
            }
        }

        var listedNames = manifest.Files.ToHashSet(StringComparer.Ordinal);
        foreach (var unlisted in names.Where(n => !listedNames.Contains(n)))
        {
            if (InputFile.NonRegularKind(Path.Combine(files.Folder, unlisted)) is { } found)
            {
                // Never handed to DuckDB: opening a FIFO blocks for ever.
                problems.Add($"{unlisted}: {found}, not a fragment file");
                continue;
            }

            try
            {
                files.Describe(unlisted);
                manifest.Record(unlisted);
            }
            catch (DuckDBException ex)
            {
                problems.Add($"{unlisted}: unreadable ({ex.Message.Split('\n')[0]})");
            }
        }

        return problems;
    }
}

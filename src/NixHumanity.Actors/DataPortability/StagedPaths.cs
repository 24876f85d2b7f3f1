namespace NixHumanity.Actors.DataPortability;

/// <summary>
/// Where a file named by an export's or a restore's manifest, or by the other node, lies in a folder: its full path only
/// when that is strictly inside the folder, so a name such as <c>../x</c> or an absolute path is refused wherever files
/// are checked against a manifest, staged, read back or copied (docs/adr/0044, 0048). Each caller words its own refusal.
/// </summary>
internal static class StagedPaths
{
    /// <summary>The full path of <paramref name="relativePath"/> under <paramref name="folder"/>; null when it is not inside it.</summary>
    /// <param name="folder">The folder (made absolute).</param>
    /// <param name="relativePath">The file's path as named, relative to the folder.</param>
    public static string? Inside(string folder, string relativePath)
    {
        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, relativePath));
        return path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? path : null;
    }
}

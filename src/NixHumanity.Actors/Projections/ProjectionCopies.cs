using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// The local copies of a person's projections (their component folders under the data directory) as seen from
/// outside the projection actors: which are stale after a forget, and deleting them (docs/adr/0023).
/// </summary>
internal static class ProjectionCopies
{
    /// <summary>
    /// Deletes the person's component folders on this node that were built in an earlier forget generation than
    /// <paramref name="generation"/> (the journal's current one), and the person's charts when any copy was stale.
    /// A folder built in the current generation (the person started here again after the forget) is kept.
    /// </summary>
    /// <param name="data">This node's data directory.</param>
    /// <param name="userId">The forgotten person.</param>
    /// <param name="generation">The person's generation in the journal now.</param>
    /// <returns>The component folders deleted.</returns>
    public static IReadOnlyList<string> DeleteStale(DataDirectory data, string userId, string? generation)
    {
        var userFolder = data.UserFolder(userId);
        if (!Directory.Exists(userFolder))
        {
            return [];
        }

        var deleted = new List<string>();
        foreach (var component in Directory.GetDirectories(userFolder).Order(StringComparer.Ordinal))
        {
            if (!string.Equals(JournalOrigin.ReadGeneration(component), generation, StringComparison.Ordinal))
            {
                Directory.Delete(component, recursive: true);
                deleted.Add(Path.GetFileName(component));
            }
        }

        if (Directory.GetFileSystemEntries(userFolder).Length == 0)
        {
            Directory.Delete(userFolder);
        }

        if (deleted.Count > 0)
        {
            foreach (var chart in ChartFiles.Kinds.Select(kind => Path.Combine(data.Root, "charts", ChartFiles.FileName(kind, userId))).Where(File.Exists))
            {
                File.Delete(chart);
            }
        }

        return deleted;
    }

    /// <summary>Deletes everything in <paramref name="folder"/> (the folder itself stays); returns the number of files deleted.</summary>
    internal static int EmptyFolder(string folder)
    {
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length;
        foreach (var directory in Directory.GetDirectories(folder))
        {
            Directory.Delete(directory, recursive: true);
        }

        foreach (var file in Directory.GetFiles(folder))
        {
            File.Delete(file);
        }

        return files;
    }
}

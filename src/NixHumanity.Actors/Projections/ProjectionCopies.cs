using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// The local copies of a person's projections (their component folders under the data directory) as seen from
/// outside the projection actors: which are stale after a forget, and deleting them (docs/adr/0023).
/// </summary>
internal static class ProjectionCopies
{
    /// <summary>Locks between deleting a person's stale copies and the person's projections opening (see <see cref="Gate"/>).</summary>
    private static readonly ReaderWriterLockSlim[] Gates =
        [.. Enumerable.Range(0, 64).Select(_ => new ReaderWriterLockSlim(LockRecursionPolicy.SupportsRecursion))];

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
        var gate = Gate(userFolder);
        // Exclusive against a projection of the person opening its store here (OpenStoreIn): a folder it has created
        // but not yet stamped with the current generation is never taken for a stale copy (docs/adr/0023, addendum).
        gate.EnterWriteLock();
        try
        {
            return DeleteStaleWhileGated(data, userFolder, userId, generation);
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// Runs <paramref name="open"/> (a projection creating or opening its folder under <paramref name="userFolder"/>
    /// and stamping it with the journal's identity and the person's generation) so that no
    /// <see cref="DeleteStale"/> of the same person on this node runs meanwhile; projections of other people, and the
    /// person's other projection, open at the same time.
    /// </summary>
    /// <param name="userFolder">The person's folder (the parent of the component's).</param>
    /// <param name="open">The opening.</param>
    public static void WhileOpening(string userFolder, Action open)
    {
        var gate = Gate(userFolder);
        gate.EnterReadLock();
        try
        {
            open();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>The lock guarding <paramref name="userFolder"/> (one of a fixed set, chosen by a stable hash of the full path).</summary>
    internal static ReaderWriterLockSlim Gate(string userFolder) => Gates[StableHash.Fnv1a(Path.GetFullPath(userFolder)) % (uint)Gates.Length];

    private static IReadOnlyList<string> DeleteStaleWhileGated(DataDirectory data, string userFolder, string userId, string? generation)
    {
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

using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Checks of a folder a verb is asked to write into (<c>export --out</c>): outside the data directory, not a file,
/// not a symbolic link, new or empty, creatable, and taking new files. Each failure is a <see cref="CommandRejected"/> on the caller's
/// field, never an exception from the file system.
/// </summary>
internal static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> after the checks and returns its full path.</summary>
    /// <param name="field">The caller's name for the option (e.g. <c>out</c>).</param>
    /// <param name="folder">The folder asked for.</param>
    /// <param name="dataRoot">The data directory; the folder must not be inside it (nor be it).</param>
    /// <exception cref="InvalidInputException">A check fails or the folder cannot be created.</exception>
    public static string CreateEmpty(string field, string folder, string dataRoot)
    {
        var full = Path.GetFullPath(folder);
        bool inside;
        try
        {
            inside = IsInside(full, dataRoot);
        }
        catch (IOException ex)
        {
            throw Reject(field, $"cannot be resolved: {ex.Message}");
        }

        if (inside)
        {
            // Anything written there would be read back as data: a folder under users/ becomes a phantom user.
            throw Reject(field, $"must not be inside the data directory {Path.GetFullPath(dataRoot)}");
        }

        if (File.Exists(full))
        {
            throw Reject(field, "must be a new or empty folder (a file is there)");
        }

        if (new DirectoryInfo(full).LinkTarget is not null)
        {
            throw Reject(field, "must not be a symbolic link");
        }

        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw Reject(field, "must be a new or empty folder");
        }

        return Create(field, full);
    }

    /// <summary>
    /// Checks <paramref name="folder"/> (it may hold files, but no file may be at its name) and, when
    /// <paramref name="create"/>, creates it; returns its full path. Check before the work and create when writing,
    /// so a verb that fails in between leaves nothing behind.
    /// </summary>
    /// <param name="field">The caller's name for the option (e.g. <c>out</c>).</param>
    /// <param name="folder">The folder asked for.</param>
    /// <param name="create">Whether to create it now.</param>
    /// <exception cref="InvalidInputException">A file is at that name or the folder cannot be created.</exception>
    public static string Ensure(string field, string folder, bool create)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            throw Reject(field, "must be a folder (a file is there)");
        }

        if (!create)
        {
            if (Directory.Exists(full))
            {
                EnsureWritable(field, full);
            }

            return full;
        }

        return Create(field, full);
    }

    /// <summary>
    /// Whether <paramref name="path"/> is <paramref name="root"/> or below it, also when either is reached through a
    /// symbolic link (the nearest existing ancestor of each is resolved).
    /// </summary>
    public static bool IsInside(string path, string root)
    {
        var candidate = Resolve(Path.GetFullPath(path));
        var container = Resolve(Path.GetFullPath(root));
        return candidate == container || candidate.StartsWith(container.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>The path with its nearest existing ancestor replaced by that ancestor's final, link-free location.</summary>
    private static string Resolve(string full)
    {
        var rest = new Stack<string>();
        var current = full;
        while (!Directory.Exists(current) && Path.GetDirectoryName(current) is { } parent)
        {
            rest.Push(Path.GetFileName(current));
            current = parent;
        }

        var resolved = RealPath(current);
        while (rest.Count > 0)
        {
            resolved = Path.Combine(resolved, rest.Pop());
        }

        return resolved;
    }

    private static string RealPath(string directory)
    {
        var parent = Path.GetDirectoryName(directory);
        if (parent is null)
        {
            return directory;
        }

        // Every component is resolved, not only the last: in /data/link/x, "link" may point elsewhere.
        var combined = Path.Combine(RealPath(parent), Path.GetFileName(directory));
        var target = new DirectoryInfo(combined).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? combined : RealPath(Path.GetFullPath(target.FullName));
    }

    private static string Create(string field, string full)
    {
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Reject(field, $"cannot be created: {ex.Message}");
        }

        EnsureWritable(field, full);
        return full;
    }

    /// <summary>
    /// Creates and deletes a file in <paramref name="full"/>: a folder that exists but takes no new file (read-only,
    /// immutable, a read-only mount; root passes permission checks but not these) is refused before any work, rather
    /// than failing halfway through the writing.
    /// </summary>
    private static void EnsureWritable(string field, string full)
    {
        var probe = Path.Combine(full, $".nixh-write-check-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw Reject(field, "cannot be written into (permission denied, or the folder is immutable or on a read-only file system)");
        }
        catch (IOException ex)
        {
            throw Reject(field, $"cannot be written into: {ex.Message.Replace(probe, full, StringComparison.Ordinal)}");
        }
    }

    private static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));
}

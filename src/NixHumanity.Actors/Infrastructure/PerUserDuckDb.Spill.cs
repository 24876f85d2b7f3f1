namespace NixHumanity.Actors.Infrastructure;

// Where a shared instance spills buffers past its memory limit (docs/adr/0040).
internal static partial class PerUserDuckDb
{
    private static long _nextSpill;
    private static int _exitCleanupRegistered;

    /// <summary>
    /// A new folder, readable by this user only, for one shared instance's spilled buffers: under the machine's temporary
    /// folder (never the data directory, whose <c>users/</c> lists people), named after the process, and deleted with
    /// the instance (docs/adr/0040).
    /// </summary>
    private static string CreateSpillFolder()
    {
        if (Interlocked.Exchange(ref _exitCleanupRegistered, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteOpenInstancesSpillFolders();
        }

        var folder = Path.Combine(Path.GetTempPath(), $"nixh-duckdb-{Environment.ProcessId}-{Interlocked.Increment(ref _nextSpill)}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return folder;
    }

    /// <summary>
    /// Deletes the spill folders of the shared instances still open, when the process exits: an instance goes with its
    /// last store, but one whose stores a stopping node left attached (<see cref="LeaveFilesAttached"/>), or whose
    /// stores were not all closed by the end of the process, never closes, and its folder stayed behind in the
    /// machine's temporary folder after every run (a soak left two per run). Nothing spills any more by then.
    /// </summary>
    internal static void DeleteOpenInstancesSpillFolders()
    {
        List<string> folders;
        lock (_gate)
        {
            folders = [.. _instances.Values.Select(instance => instance.SpillFolder)];
        }

        foreach (var folder in folders)
        {
            DeleteSpillFolder(folder);
        }
    }

    private static void DeleteSpillFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held: the folder is the process's own and named after it; nothing else reads it.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}

namespace NixHumanity.Actors.Infrastructure;

// Where a shared instance spills buffers past its memory limit (docs/adr/0040).
internal static partial class PerUserDuckDb
{
    private static long _nextSpill;

    /// <summary>
    /// A new folder, readable by this user only, for one shared instance's spilled buffers: under the machine's temporary
    /// folder (never the data directory, whose <c>users/</c> lists people), named after the process, and deleted with
    /// the instance (docs/adr/0040).
    /// </summary>
    private static string CreateSpillFolder()
    {
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

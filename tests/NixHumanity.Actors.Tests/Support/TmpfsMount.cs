using System.Diagnostics;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// A small tmpfs mounted on a fresh temporary folder (needs root), unmounted and removed on dispose: a disk that really
/// fills up, without touching the machine's own disks.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>True when this process may mount a tmpfs (root, or a namespace that allows it).</summary>
    public static bool CanMount()
    {
        try
        {
            using var probe = Mount("64k");
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's syntax: <c>2m</c>, <c>64k</c>).</summary>
    public static TmpfsMount Mount(string size)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nixh-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        try
        {
            Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        }
        catch
        {
            Directory.Delete(path);
            throw;
        }

        return new TmpfsMount(path);
    }

    /// <summary>
    /// Fills the disk with a file until only about <paramref name="leaveFree"/> bytes are free; returns the file, whose
    /// deletion frees the space again.
    /// </summary>
    public string Fill(long leaveFree)
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var available = new DriveInfo(Path).AvailableFreeSpace;
        var chunk = new byte[4096];
        using var stream = File.Create(filler);
        for (var written = 0L; written + chunk.Length <= available - leaveFree; written += chunk.Length)
        {
            stream.Write(chunk);
        }

        return filler;
    }

    public void Dispose()
    {
        // A tree the test started reads the journal through pooled SQLite connections that outlive it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Run("umount", Path);
        }
        catch (InvalidOperationException)
        {
            // Still busy (a store closing on another thread): detach now, the kernel frees it when the last file closes.
            Run("umount", "-l", Path);
        }

        Directory.Delete(Path);
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {error}");
        }
    }
}

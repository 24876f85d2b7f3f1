using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The exclusive ownership of a data directory: <c>owner.lock</c> held with an exclusive, non-blocking
/// <c>flock</c> (what <see cref="FileShare.None"/> takes on Unix) for as long as this object lives. The kernel drops the
/// lock when the process dies, so a killed owner never leaves a stale lock behind. Because a locked file cannot be read
/// by a contender, the holder's process id and command line are written beside it in <c>owner</c>.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    /// <summary>The file that is locked.</summary>
    public const string LockFileName = "owner.lock";

    /// <summary>The file naming the holder: its process id on the first line, its command line on the second.</summary>
    public const string HolderFileName = "owner";

    // What .NET reports when flock(LOCK_EX | LOCK_NB) finds the lock taken: the errno EWOULDBLOCK on Linux,
    // ERROR_SHARING_VIOLATION elsewhere.
    private const int WouldBlock = 11;
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int MaxCommandChars = 300;

    private readonly FileStream _lock;
    private readonly string _holderFile;

    private DataDirectoryLock(FileStream locked, string holderFile)
    {
        _lock = locked;
        _holderFile = holderFile;
    }

    /// <summary>Takes the lock of <paramref name="root"/> (creating the folder), or fails at once.</summary>
    /// <exception cref="DataDirectoryInUseException">Another process, or another host in this one, holds it.</exception>
    /// <exception cref="StoreFaultException">The folder or the lock file cannot be created.</exception>
    public static DataDirectoryLock Acquire(string root)
    {
        root = Path.GetFullPath(root);
        var lockFile = Path.Combine(root, LockFileName);
        FileStream locked;
        try
        {
            Directory.CreateDirectory(root);
            locked = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.HResult is WouldBlock or SharingViolation)
        {
            var (pid, command) = ReadHolder(Path.Combine(root, HolderFileName));
            throw new DataDirectoryInUseException(root, pid, command);
        }
        catch (Exception ex) when (StoreFaults.Classify(ex, lockFile) is { } fault)
        {
            throw fault;
        }

        var holderFile = Path.Combine(root, HolderFileName);
        WriteHolder(holderFile);
        return new DataDirectoryLock(locked, holderFile);
    }

    /// <summary>
    /// Deletes the file naming the holder but keeps the lock: for a process that is exiting with the lock still held
    /// (its files are closed, and the lock released, by the exit itself; docs/adr/0058), and before the lock's release.
    /// </summary>
    public void RemoveHolderName()
    {
        try
        {
            File.Delete(_holderFile);
        }
        catch (IOException)
        {
            // The next owner overwrites it; a contender only reads it while the lock is held.
        }
    }

    /// <summary>Forgets the holder's name and releases the lock.</summary>
    public void Dispose()
    {
        RemoveHolderName();
        _lock.Dispose();
    }

    /// <summary>This process's id and command line, written by rename so a contender never reads half of it.</summary>
    private static void WriteHolder(string holderFile)
    {
        var temporary = $"{holderFile}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, $"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}\n{CommandLine()}\n");
        File.Move(temporary, holderFile, overwrite: true);
    }

    private static (int? Pid, string? Command) ReadHolder(string holderFile)
    {
        try
        {
            // The holder's name is two short lines; anything else there (a FIFO would block) names nobody.
            if (!InputFile.IsReadable(holderFile, 64 * 1024))
            {
                return (null, null);
            }

            var lines = File.ReadAllLines(holderFile);
            int? pid = lines.Length > 0 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
            return (pid, lines.Length > 1 ? lines[1] : null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    /// <summary>The command line as the system shows it (<c>dotnet nixh.dll serve …</c>), on one line.</summary>
    private static string CommandLine()
    {
        string command;
        try
        {
            command = File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            command = Environment.CommandLine;
        }

        command = command.ReplaceLineEndings(" ");
        return command.Length <= MaxCommandChars ? command : command[..MaxCommandChars] + "…";
    }
}

using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>What went wrong with a store file, as far as its owner needs to know to decide what to do.</summary>
public enum StoreFaultKind
{
    /// <summary>The file is not a database of the expected kind, is truncated, fails its checksums or has a schema this
    /// version cannot read. A projection in this state is set aside and rebuilt from the journal.</summary>
    Unreadable,

    /// <summary>Another process holds the file's lock. Retrying later may succeed.</summary>
    Locked,

    /// <summary>The disk (or the quota) is full. Retrying after space is freed may succeed.</summary>
    DiskFull,

    /// <summary>Any other input/output failure (permissions, a vanished folder). Retrying later may succeed.</summary>
    Unavailable,
}

/// <summary>A store could not be opened, read or written; <see cref="Kind"/> says whether rebuilding can help.</summary>
/// <param name="kind">The kind of fault.</param>
/// <param name="path">The store file.</param>
/// <param name="inner">The database engine's own exception.</param>
public sealed class StoreFaultException(StoreFaultKind kind, string path, Exception inner)
    : IOException($"{path}: {Describe(kind)} ({FirstLine(inner.Message)})", inner)
{
    /// <summary>The kind of fault.</summary>
    public StoreFaultKind Kind { get; } = kind;

    /// <summary>The store file.</summary>
    public string Path { get; } = path;

    private static string Describe(StoreFaultKind kind) => kind switch
    {
        StoreFaultKind.Unreadable => "unreadable store",
        StoreFaultKind.Locked => "locked by another process",
        StoreFaultKind.DiskFull => "disk full",
        _ => "store unavailable",
    };

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}

/// <summary>
/// The one place where the database engines' errors are mapped to <see cref="StoreFaultKind"/>. SQLite reports
/// numeric result codes. DuckDB reports every failure to open a file with the same error type (<c>Invalid</c>) and
/// says what happened only in the text of its message, so for DuckDB the stable message prefixes are matched here and
/// nowhere else.
/// </summary>
internal static class StoreFaults
{
    // SQLite primary result codes (https://sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoErr = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADb = 26;

    private static readonly string[] DuckDbUnreadable =
    [
        "not a valid DuckDB database",
        "Corrupt database file",
        "Could not read enough bytes",
        "Trying to read a database file with version number",
    ];

    private static readonly string[] DuckDbLocked = ["Could not set lock on file", "Conflicting lock is held"];

    private static readonly string[] DiskFullMessages = ["No space left on device", "Disk quota exceeded"];

    /// <summary>The fault <paramref name="exception"/> means for the store at <paramref name="path"/>, or <c>null</c> when it
    /// is not a storage fault (e.g. a constraint violation, which is a bug, not a damaged file).</summary>
    public static StoreFaultException? Classify(Exception exception, string path) => exception switch
    {
        StoreFaultException fault => fault,
        InvalidDataException => new StoreFaultException(StoreFaultKind.Unreadable, path, exception),
        DuckDBException duck => KindOf(duck) is { } kind ? new StoreFaultException(FullDiskOr(kind, path), path, duck) : null,
        SqliteException sqlite => KindOf(sqlite) is { } kind ? new StoreFaultException(FullDiskOr(kind, path), path, sqlite) : null,
        IOException io => new StoreFaultException(
            ContainsAny(io.Message, DiskFullMessages) ? StoreFaultKind.DiskFull : FullDiskOr(StoreFaultKind.Unavailable, path), path, io),
        UnauthorizedAccessException denied => new StoreFaultException(StoreFaultKind.Unavailable, path, denied),
        _ => null,
    };

    /// <summary>
    /// SQLite reports a write that found no space as a plain "disk I/O error" (SQLITE_IOERR) as often as SQLITE_FULL,
    /// and DuckDB as an "IO Error": an I/O failure on a file system with (almost) no space left is a full disk.
    /// </summary>
    private static StoreFaultKind FullDiskOr(StoreFaultKind kind, string path) =>
        kind == StoreFaultKind.Unavailable && FreeBytes(path) is < NearlyFullBytes ? StoreFaultKind.DiskFull : kind;

    /// <summary>Below this much free space an I/O failure is taken for a full disk (a journal page and its WAL frame need less).</summary>
    private const long NearlyFullBytes = 1024 * 1024;

    /// <summary>Free bytes for an unprivileged writer on the file system holding <paramref name="path"/>, or null when unknown.</summary>
    private static long? FreeBytes(string path)
    {
        try
        {
            var folder = Path.GetFullPath(path);
            while (!Directory.Exists(folder) && Path.GetDirectoryName(folder) is { } parent)
            {
                folder = parent;
            }

            // Pseudo file systems (/proc, /sys) report no size at all: not a disk that filled up.
            var drive = new DriveInfo(folder);
            return drive.TotalSize > 0 ? drive.AvailableFreeSpace : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="exception"/> means the file at <paramref name="path"/> is damaged or foreign.</summary>
    public static bool IsUnreadable(Exception exception, string path) =>
        Classify(exception, path) is { Kind: StoreFaultKind.Unreadable };

    private static StoreFaultKind? KindOf(DuckDBException exception)
    {
        var message = exception.Message;
        if (ContainsAny(message, DuckDbUnreadable))
        {
            return StoreFaultKind.Unreadable;
        }

        if (ContainsAny(message, DuckDbLocked))
        {
            return StoreFaultKind.Locked;
        }

        if (ContainsAny(message, DiskFullMessages))
        {
            return StoreFaultKind.DiskFull;
        }

        return exception.ErrorType is DuckDB.NET.Native.DuckDBErrorType.Io or DuckDB.NET.Native.DuckDBErrorType.Permission
               || message.Contains("IO Error", StringComparison.Ordinal)
            ? StoreFaultKind.Unavailable
            : null;
    }

    private static StoreFaultKind? KindOf(SqliteException exception) => (exception.SqliteErrorCode & 0xFF) switch
    {
        SqliteCorrupt or SqliteNotADb => StoreFaultKind.Unreadable,
        SqliteBusy or SqliteLocked => StoreFaultKind.Locked,
        SqliteFull => StoreFaultKind.DiskFull,
        SqliteIoErr or SqliteCantOpen => StoreFaultKind.Unavailable,
        _ => null,
    };

    private static bool ContainsAny(string message, string[] fragments) =>
        fragments.Any(f => message.Contains(f, StringComparison.Ordinal));
}

using System.Runtime.InteropServices;
using System.Text;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The checks every file a person hands in (an import, a biometrics CSV, an export being restored) passes before it
/// is opened: it exists, is a regular file (a FIFO blocks in <c>open</c> forever, <c>/dev/zero</c> never ends) and is
/// not larger than the reader's cap. Also a line reader whose lines are capped, so a file of one endless line cannot
/// exhaust memory.
/// </summary>
internal static partial class InputFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const ushort TypeMask = 0xF000;
    private const ushort RegularFile = 0x8000;
    private const ushort Directory = 0x4000;
    private const ushort Fifo = 0x1000;
    private const ushort CharacterDevice = 0x2000;
    private const ushort BlockDevice = 0x6000;
    private const ushort Socket = 0xC000;

    /// <summary>Checks <paramref name="path"/> and returns its full path.</summary>
    /// <param name="field">The caller's name for the input (e.g. <c>file</c>).</param>
    /// <param name="path">The file (a symbolic link to a regular file is fine).</param>
    /// <param name="maxBytes">The largest size the reader accepts.</param>
    /// <exception cref="InvalidInputException">Missing, not a regular file, or too large.</exception>
    public static string Check(string field, string path, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        switch (TypeOf(full))
        {
            case null:
                throw Reject(field, $"does not exist: {path}");
            case Directory:
                throw Reject(field, $"is a directory, not a file: {path}");
            case not RegularFile:
                throw Reject(field, $"must be a regular file (not a pipe, device or socket): {path}");
        }

        var length = new FileInfo(full).Length;
        if (length > maxBytes)
        {
            throw Reject(field, $"must be at most {maxBytes:N0} bytes (is {length:N0})");
        }

        return full;
    }

    /// <summary>
    /// Reads lines of at most <paramref name="maxChars"/> characters from <paramref name="reader"/>; a longer line
    /// throws at once, after reading no more than the cap.
    /// </summary>
    /// <param name="field">The caller's name for the input.</param>
    /// <param name="reader">The text.</param>
    /// <param name="maxChars">The longest line accepted.</param>
    /// <returns>The lines, without their line ends.</returns>
    /// <exception cref="InvalidInputException">A line is longer than the cap.</exception>
    public static IEnumerable<string> Lines(string field, TextReader reader, int maxChars)
    {
        var line = new StringBuilder();
        var number = 1;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c == '\n')
            {
                yield return TrimCarriageReturn(line);
                line.Clear();
                number++;
                continue;
            }

            if (line.Length >= maxChars)
            {
                throw Reject(field, $"line {number} must be at most {maxChars:N0} characters");
            }

            line.Append((char)c);
        }

        if (line.Length > 0)
        {
            yield return TrimCarriageReturn(line);
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a regular file of at most <paramref name="maxBytes"/> bytes, checked before any
    /// open: for the files the data directory holds for itself (cached preferences, journal identities, reports, the
    /// holder of the lock), where something else found there is ignored or set aside rather than refused as input.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size the reader accepts.</param>
    public static bool IsReadable(string path, long maxBytes) =>
        TypeOf(Path.GetFullPath(path)) == RegularFile && new FileInfo(path).Length <= maxBytes;

    /// <summary>
    /// What is at <paramref name="path"/> when it is there but is neither a regular file nor a directory (following
    /// links): <c>a pipe (FIFO)</c>, <c>a character device</c>, <c>a block device</c>, <c>a socket</c>; else null. Checked
    /// before a store file of the data directory is opened: opening a FIFO blocks until someone writes into it.
    /// </summary>
    /// <param name="path">The file.</param>
    public static string? NonRegularKind(string path) => TypeOf(Path.GetFullPath(path)) switch
    {
        null or RegularFile or Directory => null,
        Fifo => "a pipe (FIFO)",
        CharacterDevice => "a character device",
        BlockDevice => "a block device",
        Socket => "a socket",
        _ => "not a regular file",
    };

    private static string TrimCarriageReturn(StringBuilder line) =>
        line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();

    /// <summary>The file type bits of <c>st_mode</c> (following links), or null when nothing is there.</summary>
    private static ushort? TypeOf(string path)
    {
        // statx's buffer has one layout on every architecture, unlike struct stat; only stx_mode (offset 28) is read.
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null;
        }

        return (ushort)(BitConverter.ToUInt16(buffer[28..30]) & TypeMask);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, ref byte buffer);

    private static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));
}

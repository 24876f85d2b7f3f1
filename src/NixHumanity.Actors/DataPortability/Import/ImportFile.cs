using System.Text;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>
/// Reads a file of the assistant's older stores into an <see cref="ImportPlan"/>: detects the kind from the content
/// (the SQLite header, or a JSON object), checks its shape, and validates every row, collecting bad rows with their
/// row numbers. A file that is not what it claims raises <see cref="InvalidInputException"/> on field <c>file</c>
/// (or the missing table/key); nothing is written by reading. The kinds are read by <see cref="SqliteHistoryReader"/>
/// and <see cref="LearningJsonReader"/>, their rows checked by <see cref="ImportRows"/>. (An export folder written by
/// <c>nixh export</c> is not imported but restored: see <c>ExportFolder</c>.)
/// </summary>
/// <remarks>
/// Mapping of the SQLite <c>interactions</c> columns onto an interaction: <c>input_text</c> → text;
/// <c>intent</c> → intent; <c>context</c> (a JSON object) gives <c>command</c>, <c>session_id</c>/<c>sessionId</c>
/// (else the session is <c>imported</c>) and <c>command_type</c>/<c>commandType</c>; <c>outcome</c> text →
/// success (success, succeeded, ok, done, completed, true, 1, yes), failure (failure, failed, fail, error, false,
/// 0, no), anything else unknown; a numeric <c>feedback</c> in [0,1] → satisfaction (text feedback is not kept);
/// <c>timestamp</c> as ISO-8601 text or Unix seconds/milliseconds. <c>learning.json</c>'s <c>commandHistory</c>
/// entries map <c>input</c>, <c>intent</c>, <c>command</c>, <c>timestamp</c>, and <c>success</c> (true, false or
/// null/absent = unknown), in session <c>imported</c>.
/// </remarks>
internal static class ImportFile
{
    /// <summary>Session id of imported interactions whose source names none.</summary>
    public const string DefaultSessionId = "imported";

    /// <summary>Largest import file accepted (512 MiB): far above any assistant history, and a bound on what a read holds.</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="now">The current time (timestamps more than a day after it are rejected).</param>
    /// <param name="progress">Receives <c>read</c> progress, if given.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="InvalidInputException">The file is missing, unreadable, or not the kind it looks like.</exception>
    public static ImportPlan Read(string path, DateTimeOffset now, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var fullPath = InputFile.Check("file", path, MaxBytes);
        var header = new byte[SqliteHeader.Length];
        int read;
        using (var stream = File.OpenRead(fullPath))
        {
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        if (read == header.Length && header.AsSpan().SequenceEqual(SqliteHeader))
        {
            return SqliteHistoryReader.Read(fullPath, now, progress, cancellationToken);
        }

        var first = FirstSignificantByte(header.AsSpan(0, read));
        return first switch
        {
            null when read == 0 => throw FileRejected("is empty"),
            (byte)'{' => LearningJsonReader.Read(fullPath, now, progress, cancellationToken),
            (byte)'[' => throw FileRejected("is a JSON array, not a learning.json object with commandHistory"),
            _ => throw FileRejected("is neither an SQLite database nor a learning.json file"),
        };
    }

    private static byte? FirstSignificantByte(ReadOnlySpan<byte> bytes)
    {
        var span = bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes;
        foreach (var b in span)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return b;
            }
        }

        return null;
    }

    /// <summary>The whole file is rejected: it is not what it claims to be.</summary>
    internal static InvalidInputException FileRejected(string rule) => new(new CommandRejected("file", rule));
}

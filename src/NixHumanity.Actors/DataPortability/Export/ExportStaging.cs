using System.Collections.Concurrent;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>
/// A node's staging folders for exports and restores asked from another node (cluster mode, docs/adr/0044 and 0048):
/// <c>&lt;data-dir&gt;/export-staging/&lt;id&gt;/</c>. An export's are written by the user's memory and learner as they
/// write an export on one machine and read back in chunks by the caller; a restore's are written in chunks by the
/// caller and read by the user's session and learner. Deleted when released, when nobody has touched them for
/// <see cref="IdleLimit"/> (a caller that died mid-transfer, <see cref="SweepIdle"/>), and when the node starts.
/// </summary>
/// <param name="dataRoot">This node's data directory.</param>
/// <param name="clock">Tells when a staging folder was last touched (injected: specs advance it).</param>
/// <param name="idleLimit">How long a staging folder may go untouched before <see cref="SweepIdle"/> deletes it.</param>
internal sealed class ExportStaging(string dataRoot, TimeProvider clock, TimeSpan idleLimit)
{
    /// <summary>How long a staging folder may go untouched by default: far beyond one chunk's ask timeout.</summary>
    public static readonly TimeSpan DefaultIdleLimit = TimeSpan.FromMinutes(10);

    // When each staging folder was last created, read or written (in memory: after a restart every folder is swept).
    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    /// <summary>Staging with the system clock and <see cref="DefaultIdleLimit"/>.</summary>
    /// <param name="dataRoot">This node's data directory.</param>
    public ExportStaging(string dataRoot)
        : this(dataRoot, TimeProvider.System, DefaultIdleLimit)
    {
    }

    /// <summary>The folder under the data directory.</summary>
    public const string FolderName = "export-staging";

    /// <summary>
    /// Largest chunk: 64 KiB is about 87 KB once base64-encoded by the wire serializer, under Akka.Remote's default
    /// frame limit (128,000 bytes), so a chunk never needs a larger frame on any node.
    /// </summary>
    public const int ChunkBytes = 64 * 1024;

    /// <summary>Where the staging folders are.</summary>
    public string Root { get; } = Path.Combine(dataRoot, FolderName);

    /// <summary>How long a staging folder may go untouched before <see cref="SweepIdle"/> deletes it.</summary>
    public TimeSpan IdleLimit { get; } = idleLimit;

    /// <summary>A new export id.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Creates the staging folder of <paramref name="exportId"/>; returns it.</summary>
    /// <exception cref="InvalidInputException">The id is not an export id.</exception>
    public string Create(string exportId)
    {
        var folder = Folder(exportId);
        Touch(exportId);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The staging folder of <paramref name="id"/> when it exists on this node (touched), else null.</summary>
    /// <exception cref="InvalidInputException">The id is not an export id.</exception>
    public string? Existing(string id)
    {
        var folder = Folder(id);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        Touch(id);
        return folder;
    }

    /// <summary>Every file of the staging folder, relative with forward slashes, in ordinal order.</summary>
    public IReadOnlyList<StagedFile> Files(string exportId)
    {
        var folder = Folder(exportId);
        return Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => new StagedFile(Path.GetRelativePath(folder, file).Replace('\\', '/'), new FileInfo(file).Length))
            .OrderBy(file => file.Path, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Reads at most <see cref="ChunkBytes"/> of a staged file from the asked offset.</summary>
    /// <exception cref="InvalidInputException">Not an export id, a path outside the staging folder, a negative offset,
    /// or no such staged file (released, swept, or never staged here).</exception>
    public StagedExportChunk Read(ReadStagedExport request)
    {
        var path = StagedPaths.Inside(Folder(request.ExportId), request.Path)
            ?? throw new InvalidInputException(new CommandRejected("path", $"'{request.Path}' is not inside the export's staging folder"));

        if (request.Offset < 0)
        {
            throw new InvalidInputException(new CommandRejected("offset", "must be 0 or more"));
        }

        if (!File.Exists(path))
        {
            throw new InvalidInputException(new CommandRejected("export", $"{request.ExportId} has no staged file '{request.Path}' on this node (released, expired, or the node restarted)"));
        }

        Touch(request.ExportId);

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.Seek(request.Offset, SeekOrigin.Begin);
        var buffer = new byte[(int)Math.Min(ChunkBytes, Math.Max(0, stream.Length - request.Offset))];
        stream.ReadExactly(buffer);
        return new StagedExportChunk(request.ExportId, request.Path, request.Offset, buffer);
    }

    /// <summary>
    /// Appends the bytes of a restore's chunk to a staged file (created by the first chunk). Chunks come one at a time
    /// and in order, so the offset must be the file's current length. Returns the file's new length.
    /// </summary>
    /// <exception cref="InvalidInputException">Not an export id, no staging folder of that id here (never opened,
    /// released, expired, or the node restarted), a path outside it, a chunk larger than <see cref="ChunkBytes"/>, or
    /// an offset that is not the file's length.</exception>
    /// <param name="transferId">The restore's id.</param>
    /// <param name="file">The file, relative to the staging folder.</param>
    /// <param name="offset">Where the bytes go.</param>
    /// <param name="data">The bytes.</param>
    public long Write(string transferId, string file, long offset, byte[] data)
    {
        var folder = Folder(transferId);
        var path = StagedPaths.Inside(folder, file)
            ?? throw new InvalidInputException(new CommandRejected("path", $"'{file}' is not inside the restore's staging folder"));

        if (data.Length > ChunkBytes)
        {
            throw new InvalidInputException(new CommandRejected("data", $"must be at most {ChunkBytes} bytes (got {data.Length})"));
        }

        if (!Directory.Exists(folder))
        {
            throw new InvalidInputException(new CommandRejected("restore", $"{transferId} has no staging folder on this node (released, expired, or the node restarted)"));
        }

        Touch(transferId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (offset != stream.Length)
        {
            throw new InvalidInputException(new CommandRejected("offset", $"must be the staged file's length ({stream.Length}), got {offset}"));
        }

        stream.Seek(0, SeekOrigin.End);
        stream.Write(data);
        return stream.Length;
    }

    /// <summary>
    /// Deletes every staging folder nobody has created, read or written for <see cref="IdleLimit"/> or more (the caller
    /// died, or gave up without releasing it); returns the ids deleted. A folder this instance has never seen (written
    /// by hand, or left by an earlier run) counts as touched the first time a sweep sees it.
    /// </summary>
    public IReadOnlyList<string> SweepIdle()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var now = clock.GetUtcNow();
        var deleted = new List<string>();
        foreach (var folder in Directory.GetDirectories(Root))
        {
            var id = Path.GetFileName(folder);
            var touched = _touched.GetOrAdd(id, now);
            if (now - touched >= IdleLimit && _touched.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, touched)))
            {
                Directory.Delete(folder, recursive: true);
                deleted.Add(id);
            }
        }

        return deleted;
    }

    /// <summary>Deletes the staging folder of <paramref name="exportId"/>; false when there was none.</summary>
    public bool Release(string exportId)
    {
        var folder = Folder(exportId);
        _touched.TryRemove(exportId, out _);
        if (!Directory.Exists(folder))
        {
            return false;
        }

        Directory.Delete(folder, recursive: true);
        return true;
    }

    /// <summary>Deletes every staging folder (when the node starts: no transfer survives a restart); returns how many.</summary>
    public int Sweep()
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        // Folder by folder, forgetting only their touches: a transfer that starts meanwhile keeps its folder.
        var folders = Directory.GetDirectories(Root);
        foreach (var folder in folders)
        {
            Directory.Delete(folder, recursive: true);
            _touched.TryRemove(Path.GetFileName(folder), out _);
        }

        return folders.Length;
    }

    private void Touch(string id) => _touched[id] = clock.GetUtcNow();

    private string Folder(string exportId) =>
        Guid.TryParseExact(exportId, "N", out _)
            ? Path.GetFullPath(Path.Combine(Root, exportId))
            : throw new InvalidInputException(new CommandRejected("export", $"'{exportId}' is not an export id (32 hex digits)"));
}

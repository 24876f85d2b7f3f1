using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>
/// A node's staging folders for exports asked from another node (cluster mode, docs/adr/0044):
/// <c>&lt;data-dir&gt;/export-staging/&lt;export id&gt;/</c>, written by the user's memory and learner as they write an
/// export on one machine, read back in chunks by the caller, deleted when released, and swept when the node starts.
/// </summary>
/// <param name="dataRoot">This node's data directory.</param>
internal sealed class ExportStaging(string dataRoot)
{
    /// <summary>The folder under the data directory.</summary>
    public const string FolderName = "export-staging";

    /// <summary>
    /// Largest chunk: 64 KiB is about 87 KB once base64-encoded by the wire serializer, under Akka.Remote's default
    /// frame limit (128,000 bytes), so a chunk never needs a larger frame on any node.
    /// </summary>
    public const int ChunkBytes = 64 * 1024;

    /// <summary>Where the staging folders are.</summary>
    public string Root { get; } = Path.Combine(dataRoot, FolderName);

    /// <summary>A new export id.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Creates the staging folder of <paramref name="exportId"/>; returns it.</summary>
    /// <exception cref="InvalidInputException">The id is not an export id.</exception>
    public string Create(string exportId)
    {
        var folder = Folder(exportId);
        Directory.CreateDirectory(folder);
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
        var folder = Folder(request.ExportId);
        var path = Path.GetFullPath(Path.Combine(folder, request.Path));
        if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidInputException(new CommandRejected("path", $"'{request.Path}' is not inside the export's staging folder"));
        }

        if (request.Offset < 0)
        {
            throw new InvalidInputException(new CommandRejected("offset", "must be 0 or more"));
        }

        if (!File.Exists(path))
        {
            throw new InvalidInputException(new CommandRejected("export", $"{request.ExportId} has no staged file '{request.Path}' on this node (released, or the node restarted)"));
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.Seek(request.Offset, SeekOrigin.Begin);
        var buffer = new byte[(int)Math.Min(ChunkBytes, Math.Max(0, stream.Length - request.Offset))];
        stream.ReadExactly(buffer);
        return new StagedExportChunk(request.ExportId, request.Path, request.Offset, buffer);
    }

    /// <summary>Deletes the staging folder of <paramref name="exportId"/>; false when there was none.</summary>
    public bool Release(string exportId)
    {
        var folder = Folder(exportId);
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

        var folders = Directory.GetDirectories(Root);
        Directory.Delete(Root, recursive: true);
        return folders.Length;
    }

    private string Folder(string exportId) =>
        Guid.TryParseExact(exportId, "N", out _)
            ? Path.GetFullPath(Path.Combine(Root, exportId))
            : throw new InvalidInputException(new CommandRejected("export", $"'{exportId}' is not an export id (32 hex digits)"));
}

using System.Security.Cryptography;
using System.Text.Json;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Infrastructure.Serialization;

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>Creating, sealing (manifest with checksums) and verifying export folders.</summary>
internal static class ExportFolder
{
    /// <summary>Largest manifest accepted (16 MiB; a real one lists a handful of files).</summary>
    private const long MaxManifestBytes = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions ManifestJson = new(NixHumanityJsonSerializer.JsonOptions) { WriteIndented = true };

    /// <summary>
    /// Creates the folder; refuses one that already holds files (an export never mixes with other data), a file or
    /// symbolic link at that name, and any place inside <paramref name="dataRoot"/> (see <see cref="OutputFolder"/>).
    /// </summary>
    public static string Create(string folder, string dataRoot) => OutputFolder.CreateEmpty("out", folder, dataRoot);

    /// <summary>Writes <c>manifest.json</c> listing every file with size and sha256.</summary>
    public static async Task<ExportManifest> SealAsync(
        string folder, string userId, DateTimeOffset exportedAt, IReadOnlyDictionary<string, long> counts,
        IReadOnlyDictionary<string, string> descriptions, CancellationToken cancellationToken)
    {
        var files = new List<ExportedFile>();
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (relative == ExportManifest.FileName)
            {
                continue;
            }

            var top = relative.Split('/')[0];
            files.Add(new ExportedFile(relative, new FileInfo(file).Length, await Sha256Async(file, cancellationToken).ConfigureAwait(false),
                descriptions.GetValueOrDefault(relative) ?? descriptions.GetValueOrDefault(top) ?? ""));
        }

        var manifest = new ExportManifest(ExportManifest.CurrentFormat, userId, exportedAt, counts, files);
        await File.WriteAllTextAsync(Path.Combine(folder, ExportManifest.FileName), JsonSerializer.Serialize(manifest, ManifestJson), cancellationToken)
            .ConfigureAwait(false);
        return manifest;
    }

    /// <summary>True when <paramref name="path"/> is a folder with an export manifest.</summary>
    public static bool IsExport(string path) => File.Exists(Path.Combine(path, ExportManifest.FileName));

    /// <summary>Reads the manifest and checks every listed file's size and sha256; any difference refuses the folder.</summary>
    public static async Task<ExportManifest> VerifyAsync(string folder, CancellationToken cancellationToken)
    {
        ExportManifest manifest;
        try
        {
            var manifestPath = InputFile.Check("manifest", Path.Combine(folder, ExportManifest.FileName), MaxManifestBytes);
            manifest = JsonSerializer.Deserialize<ExportManifest>(await File.ReadAllTextAsync(manifestPath, cancellationToken)
                           .ConfigureAwait(false), NixHumanityJsonSerializer.JsonOptions)
                       ?? throw new JsonException("empty manifest");
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException(new CommandRejected("manifest", $"is not a valid export manifest ({ex.Message})"));
        }

        if (manifest.Format != ExportManifest.CurrentFormat)
        {
            throw new InvalidInputException(new CommandRejected("manifest", $"format '{manifest.Format}' is not {ExportManifest.CurrentFormat}"));
        }

        if (manifest.Files is null)
        {
            throw new InvalidInputException(new CommandRejected("manifest", "must list the export's files"));
        }

        RequireEveryFileListed(folder, manifest);
        foreach (var file in manifest.Files)
        {
            if (StagedPaths.Inside(folder, file.Path) is not { } path || !File.Exists(path))
            {
                throw new InvalidInputException(new CommandRejected("manifest", $"lists '{file.Path}', which is missing"));
            }

            InputFile.Check("manifest", path, long.MaxValue);
            if (await Sha256Async(path, cancellationToken).ConfigureAwait(false) != file.Sha256)
            {
                throw new InvalidInputException(new CommandRejected("manifest", $"checksum of '{file.Path}' does not match: the export was changed or damaged"));
            }
        }

        return manifest;
    }

    /// <summary>
    /// Refuses a folder holding anything its manifest does not list: an unlisted file is unchecked, and removing a
    /// file's entry must not be a way to restore a changed file.
    /// </summary>
    private static void RequireEveryFileListed(string folder, ExportManifest manifest)
    {
        var listed = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, entry).Replace('\\', '/');
            if (relative == ExportManifest.FileName || (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null))
            {
                continue;
            }

            if (!listed.Contains(relative))
            {
                throw new InvalidInputException(new CommandRejected("manifest", $"does not list '{relative}': every file of an export must be listed and checked"));
            }
        }
    }

    /// <summary>Lower-case hex sha256 of a file's content, as the manifest lists it.</summary>
    internal static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }
}

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>The table of contents of an export folder (<c>manifest.json</c>): counts and a checksum of every file.</summary>
/// <param name="Format">Export format name and version (<c>nixh-export/1</c>).</param>
/// <param name="UserId">The person exported.</param>
/// <param name="ExportedAt">When.</param>
/// <param name="Counts">Counts by kind (events, interactions, notifications, …).</param>
/// <param name="Files">Every file of the export except the manifest, with size and sha256.</param>
public sealed record ExportManifest(
    string Format,
    string UserId,
    DateTimeOffset ExportedAt,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyList<ExportedFile> Files)
{
    /// <summary>The current export format.</summary>
    public const string CurrentFormat = "nixh-export/1";

    /// <summary>The manifest's file name inside an export folder.</summary>
    public const string FileName = "manifest.json";
}

/// <summary>One exported file.</summary>
/// <param name="Path">Relative to the export folder, with forward slashes.</param>
/// <param name="Bytes">Size.</param>
/// <param name="Sha256">Lower-case hex sha256 of the content.</param>
/// <param name="Description">What it holds, in words.</param>
public sealed record ExportedFile(string Path, long Bytes, string Sha256, string Description);

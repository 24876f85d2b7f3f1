using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>
/// Cluster mode (docs/adr/0044): routed by sharding to the node hosting <paramref name="UserId"/>, which writes the
/// memory and learner parts of an export into a staging folder of its own data directory and answers
/// <see cref="ExportStaged"/>. The caller then reads the files in chunks (<see cref="ReadStagedExport"/>) and writes
/// them under its own output folder: the hosting node is never told where the export goes.
/// </summary>
/// <param name="UserId">The person exported.</param>
/// <param name="ExportId">The export's id (a GUID without dashes), naming the staging folder.</param>
internal sealed record StageExport(string UserId, string ExportId) : IUserMessage;

/// <summary>The hosting node staged the memory and learner parts of an export; also published on that node's event stream.</summary>
/// <param name="UserId">The person exported.</param>
/// <param name="ExportId">The export's id.</param>
/// <param name="Node">The address of the node holding the staged files (where the chunks are read).</param>
/// <param name="Folder">The staging folder on that node (inside its data directory).</param>
/// <param name="Parts">What the memory and the learner reported (descriptions and counts, as on one machine).</param>
/// <param name="Files">Every staged file, relative to the staging folder, with its size.</param>
internal sealed record ExportStaged(string UserId, string ExportId, string Node, string Folder, IReadOnlyList<StoreExported> Parts, IReadOnlyList<StagedFile> Files);

/// <summary>One staged file of an export.</summary>
/// <param name="Path">Relative to the staging folder (and to the export folder), with forward slashes.</param>
/// <param name="Bytes">Its size.</param>
internal sealed record StagedFile(string Path, long Bytes);

/// <summary>Asks a node's <c>/user/users</c> for the bytes of a staged file from <paramref name="Offset"/>
/// (at most <see cref="ExportStaging.ChunkBytes"/>); answered with <see cref="StagedExportChunk"/>.</summary>
/// <param name="ExportId">The export's id.</param>
/// <param name="Path">The staged file, relative to the staging folder.</param>
/// <param name="Offset">Where to read from.</param>
internal sealed record ReadStagedExport(string ExportId, string Path, long Offset);

/// <summary>Bytes of a staged file; empty at its end.</summary>
/// <param name="ExportId">The export's id.</param>
/// <param name="Path">The staged file.</param>
/// <param name="Offset">Where the bytes start.</param>
/// <param name="Data">The bytes (at most <see cref="ExportStaging.ChunkBytes"/>).</param>
internal sealed record StagedExportChunk(string ExportId, string Path, long Offset, byte[] Data);

/// <summary>Told to the staging node's <c>/user/users</c> once the caller has every file (or gave up): the staging folder is deleted.</summary>
/// <param name="ExportId">The export's id.</param>
internal sealed record ReleaseStagedExport(string ExportId);

/// <summary>
/// The caller's node has every staged file of an export in its export folder; published on its event stream.
/// </summary>
/// <param name="UserId">The person exported.</param>
/// <param name="ExportId">The export's id.</param>
/// <param name="Node">The node that staged the files.</param>
/// <param name="FilesMoved">Files moved from this node's own staging folder (the caller's node hosts the user).</param>
/// <param name="BytesCopied">Bytes read in chunks from another node's staging folder.</param>
internal sealed record StagedExportFetched(string UserId, string ExportId, string Node, int FilesMoved, long BytesCopied);

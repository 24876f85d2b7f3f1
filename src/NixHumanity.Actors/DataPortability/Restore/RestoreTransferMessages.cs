using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.DataPortability.Restore;

/// <summary>
/// Cluster mode (docs/adr/0048): routed by sharding to the node hosting <paramref name="UserId"/>, which creates a
/// staging folder of its own data directory for a restore and answers <see cref="RestoreStagingOpened"/> with its
/// address. The caller then writes the files the hosting node needs into it in chunks (<see cref="WriteStagedRestore"/>).
/// </summary>
/// <param name="UserId">The person restored.</param>
/// <param name="TransferId">The restore's id (a GUID without dashes), naming the staging folder.</param>
internal sealed record OpenRestoreStaging(string UserId, string TransferId) : IUserMessage;

/// <summary>The hosting node made a staging folder for a restore.</summary>
/// <param name="UserId">The person restored.</param>
/// <param name="TransferId">The restore's id.</param>
/// <param name="Node">The address of the node holding the staging folder (where the chunks are written).</param>
/// <param name="Folder">The staging folder on that node: a caller on the same node copies the files into it instead of
/// sending them in chunks.</param>
internal sealed record RestoreStagingOpened(string UserId, string TransferId, string Node, string Folder);

/// <summary>
/// A restore's files reached the hosting node's staging folder; published on the caller's event stream.
/// </summary>
/// <param name="UserId">The person restored.</param>
/// <param name="TransferId">The restore's id.</param>
/// <param name="Node">The address of the node hosting the person.</param>
/// <param name="FilesCopied">Files copied straight into the staging folder (the caller is the hosting node).</param>
/// <param name="BytesSent">Bytes sent in chunks through the hosting node's <c>/user/users</c> (0 when it is the caller).</param>
internal sealed record StagedRestoreSent(string UserId, string TransferId, string Node, int FilesCopied, long BytesSent);

/// <summary>Bytes of an export's file for a node's <c>/user/users</c> to append to its staged copy; answered with
/// <see cref="StagedRestoreWritten"/> or a refusal.</summary>
/// <param name="TransferId">The restore's id.</param>
/// <param name="Path">The file, relative to the export folder (and the staging folder), with forward slashes.</param>
/// <param name="Offset">Where the bytes go: the staged file's length so far (chunks come in order).</param>
/// <param name="Data">At most <see cref="Export.ExportStaging.ChunkBytes"/> bytes.</param>
internal sealed record WriteStagedRestore(string TransferId, string Path, long Offset, byte[] Data);

/// <summary>A chunk was appended.</summary>
/// <param name="TransferId">The restore's id.</param>
/// <param name="Path">The staged file.</param>
/// <param name="Length">Its length now.</param>
internal sealed record StagedRestoreWritten(string TransferId, string Path, long Length);

/// <summary>A file the caller sent, as the export's manifest describes it (the hosting node checks its copy against it).</summary>
/// <param name="Path">Relative to the export folder, with forward slashes.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">Lower-case hex sha256 of its content.</param>
internal sealed record StagedUpload(string Path, long Bytes, string Sha256);

/// <summary>
/// Routed by sharding to the node hosting <paramref name="UserId"/> once every file is sent: that node checks its staged
/// copies against <paramref name="Files"/>, restores the journal's events and the biometric samples from them exactly as
/// a restore on one machine does, deletes the staging folder and answers <see cref="RestoredFromStaging"/>.
/// </summary>
/// <param name="UserId">The person restored.</param>
/// <param name="TransferId">The restore's id.</param>
/// <param name="Files">Every file sent, with its size and sha256 from the verified manifest.</param>
internal sealed record RestoreFromStaging(string UserId, string TransferId, IReadOnlyList<StagedUpload> Files) : IUserMessage;

/// <summary>The hosting node restored a person from its staging folder; also published on that node's event stream.</summary>
/// <param name="UserId">The person restored.</param>
/// <param name="TransferId">The restore's id.</param>
/// <param name="Node">The address of the node that restored (the one hosting the person).</param>
/// <param name="Folder">The staging folder it restored from (inside its data directory; deleted afterwards).</param>
/// <param name="Files">The files it restored from, checked against the manifest.</param>
/// <param name="History">The journal's answer to the restored events.</param>
/// <param name="BiometricSamples">How many biometric samples the learner loaded.</param>
internal sealed record RestoredFromStaging(
    string UserId, string TransferId, string Node, string Folder, IReadOnlyList<StagedUpload> Files, HistoryRestored History, long BiometricSamples);

using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.Actors.DataPortability.Restore;

/// <summary>
/// The caller's half of a restore in cluster mode (docs/adr/0048), the mirror of <see cref="ExportTransfer"/>: the
/// export folder is on this node's machine, the user may live on another. This node asks the hosting node for a
/// staging folder (<see cref="OpenRestoreStaging"/>, routed by sharding), writes into it every file of the export the
/// restore reads there, in chunks of at most <see cref="ExportStaging.ChunkBytes"/>, then asks the hosting node to
/// restore from it (<see cref="RestoreFromStaging"/>, routed by sharding). The hosting node is never told the path.
/// When this node is the one hosting the user, the files are copied into the staging folder instead of sent in chunks.
/// </summary>
internal static class RestoreTransfer
{
    /// <summary>The files of an export a restore reads on the node hosting the user: the journal's events and the
    /// biometric samples (the memory and the analytics are rebuilt from the events).</summary>
    public static readonly IReadOnlyList<string> NeededFiles = [JournalExport.EventsPath, $"learner/{BiometricSeries.Table}.parquet"];

    /// <summary>Sends the needed files of <paramref name="exportFolder"/> to the node hosting the user and has it restore from them.</summary>
    /// <param name="system">This node's actor system.</param>
    /// <param name="userId">The person restored.</param>
    /// <param name="exportFolder">The export folder, already verified against <paramref name="manifest"/>.</param>
    /// <param name="manifest">The export's verified manifest (sizes and checksums the hosting node checks its copies against).</param>
    /// <param name="open">Sends <see cref="OpenRestoreStaging"/> to the user (through sharding) and returns the answer.</param>
    /// <param name="restore">Sends <see cref="RestoreFromStaging"/> to the user (through sharding) and returns the answer.</param>
    /// <param name="timeout">How long the hosting node may take for one chunk.</param>
    /// <param name="cancellationToken">Stops the transfer (the staging is still released).</param>
    /// <returns>What the hosting node restored.</returns>
    public static async Task<RestoredFromStaging> SendAsync(
        ActorSystem system, string userId, string exportFolder, ExportManifest manifest,
        Func<OpenRestoreStaging, CancellationToken, Task<RestoreStagingOpened>> open, Func<RestoreFromStaging, CancellationToken, Task<RestoredFromStaging>> restore, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var files = manifest.Files
            .Where(f => NeededFiles.Contains(f.Path, StringComparer.Ordinal))
            .Select(f => new StagedUpload(f.Path, f.Bytes, f.Sha256))
            .ToList();
        var opened = await open(new OpenRestoreStaging(userId, ExportStaging.NewId()), cancellationToken).ConfigureAwait(false);
        // Same node: the staging folder is on this machine, so the files are copied into it instead of crossing this
        // node's own /user/users in chunks (one ask per 64 KiB). Copied, not moved: the export folder is the person's.
        var (node, here) = StagingNode.Locate(system, opened.Node);
        var done = false;
        try
        {
            long sent = 0;
            foreach (var file in files)
            {
                if (here)
                {
                    CopyFile(exportFolder, opened.Folder, file);
                }
                else
                {
                    await SendFileAsync(node, opened.TransferId, exportFolder, file, timeout, cancellationToken).ConfigureAwait(false);
                    sent += file.Bytes;
                }
            }

            system.EventStream.Publish(new StagedRestoreSent(userId, opened.TransferId, opened.Node, here ? files.Count : 0, sent));
            var restored = await restore(new RestoreFromStaging(userId, opened.TransferId, files), cancellationToken).ConfigureAwait(false);
            done = true;
            return restored;
        }
        finally
        {
            if (!done)
            {
                // The hosting node deletes the folder itself once asked to restore; before that, only this node can.
                node.Tell(new ReleaseStagedExport(opened.TransferId));
            }
        }
    }

    /// <summary>Copies one file of the export into this node's staging folder (the hosting node checks it as it would a sent one).</summary>
    private static void CopyFile(string exportFolder, string stagingFolder, StagedUpload file)
    {
        var target = StagedPaths.Inside(stagingFolder, file.Path)
            ?? throw new InvalidOperationException($"'{file.Path}' is outside the restore's staging folder.");

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // The kernel copies the bytes (copy_file_range), without passing them through this process.
        File.Copy(Path.Combine(exportFolder, file.Path), target, overwrite: false);
    }

    private static async Task SendFileAsync(ActorSelection node, string transferId, string exportFolder, StagedUpload file, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(Path.Combine(exportFolder, file.Path), FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[ExportStaging.ChunkBytes];
        long offset = 0;
        // An empty file is still created on the hosting node: one empty chunk.
        do
        {
            var read = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read == 0 && offset < file.Bytes)
            {
                throw new InvalidInputException(new CommandRejected("export", $"'{file.Path}' ended at {offset} of the manifest's {file.Bytes} bytes while it was sent"));
            }

            var written = await StagingNode.AskAsync<StagedRestoreWritten>(node, new WriteStagedRestore(transferId, file.Path, offset, buffer[..read]), timeout, cancellationToken)
                .ConfigureAwait(false);
            offset = written.Length;
        }
        while (offset < file.Bytes);
    }
}

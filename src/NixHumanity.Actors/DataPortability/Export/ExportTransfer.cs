using Akka.Actor;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>
/// The caller's half of an export in cluster mode (docs/adr/0044): the node hosting the user stages the memory and
/// learner parts (<see cref="StageExport"/>, routed by sharding), and this node reads every staged file in chunks of
/// at most <see cref="ExportStaging.ChunkBytes"/> and writes it under its own export folder, so the whole export is on
/// the caller's machine wherever the user lives. When this node is the one hosting the user, the staged files are
/// moved into the export folder instead (a rename on one file system): they are written once, not twice.
/// </summary>
internal static class ExportTransfer
{
    /// <summary>Stages the parts on the hosting node, copies them into <paramref name="folder"/>, releases the staging.</summary>
    /// <param name="system">This node's actor system.</param>
    /// <param name="userId">The person exported.</param>
    /// <param name="folder">The export folder (created, empty, on this node).</param>
    /// <param name="stage">Sends <see cref="StageExport"/> to the user (through sharding) and returns the answer.</param>
    /// <param name="timeout">How long the staging node may take for one chunk.</param>
    /// <param name="cancellationToken">Stops the transfer (the staging is still released).</param>
    /// <returns>What the memory and the learner reported, as on one machine.</returns>
    public static async Task<IReadOnlyList<StoreExported>> FetchAsync(
        ActorSystem system, string userId, string folder, Func<StageExport, CancellationToken, Task<ExportStaged>> stage, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var staged = await stage(new StageExport(userId, ExportStaging.NewId()), cancellationToken).ConfigureAwait(false);
        // Same node: the staging folder is on this machine, so the files change folders instead of crossing in chunks.
        var (node, here) = StagingNode.Locate(system, staged.Node);
        try
        {
            long copied = 0;
            foreach (var file in staged.Files)
            {
                var target = Target(folder, file);
                if (here)
                {
                    File.Move(Path.Combine(staged.Folder, file.Path), target);
                }
                else
                {
                    await CopyAsync(node, staged.ExportId, file, target, timeout, cancellationToken).ConfigureAwait(false);
                    copied += file.Bytes;
                }
            }

            system.EventStream.Publish(new StagedExportFetched(userId, staged.ExportId, staged.Node, here ? staged.Files.Count : 0, copied));
            return staged.Parts;
        }
        finally
        {
            node.Tell(new ReleaseStagedExport(staged.ExportId));
        }
    }

    /// <summary>Where a staged file goes in the export folder (its folder created).</summary>
    private static string Target(string folder, StagedFile file)
    {
        var target = StagedPaths.Inside(folder, file.Path)
            ?? throw new InvalidOperationException($"The staging node listed '{file.Path}', which is outside the export folder.");

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        return target;
    }

    private static async Task CopyAsync(ActorSelection node, string exportId, StagedFile file, string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        while (output.Length < file.Bytes)
        {
            var chunk = await StagingNode.AskAsync<StagedExportChunk>(node, new ReadStagedExport(exportId, file.Path, output.Length), timeout, cancellationToken)
                .ConfigureAwait(false);
            if (chunk.Data.Length == 0)
            {
                throw new InvalidOperationException($"The staged file '{file.Path}' ended at {output.Length} of {file.Bytes} bytes.");
            }

            await output.WriteAsync(chunk.Data, cancellationToken).ConfigureAwait(false);
        }
    }
}

using Akka.Actor;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>
/// The caller's half of an export in cluster mode (docs/adr/0044): the node hosting the user stages the memory and
/// learner parts (<see cref="StageExport"/>, routed by sharding), and this node reads every staged file in chunks of
/// at most <see cref="ExportStaging.ChunkBytes"/> and writes it under its own export folder, so the whole export is on
/// the caller's machine wherever the user lives.
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
        var node = system.ActorSelection(new RootActorPath(Address.Parse(staged.Node)) / "user" / "users");
        try
        {
            foreach (var file in staged.Files)
            {
                await CopyAsync(node, staged.ExportId, file, folder, timeout, cancellationToken).ConfigureAwait(false);
            }

            return staged.Parts;
        }
        finally
        {
            node.Tell(new ReleaseStagedExport(staged.ExportId));
        }
    }

    private static async Task CopyAsync(ActorSelection node, string exportId, StagedFile file, string folder, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(folder);
        var target = Path.GetFullPath(Path.Combine(root, file.Path));
        if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The staging node listed '{file.Path}', which is outside the export folder.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        while (output.Length < file.Bytes)
        {
            var reply = await node.Ask<object>(new ReadStagedExport(exportId, file.Path, output.Length), timeout, cancellationToken).ConfigureAwait(false);
            var chunk = reply switch
            {
                StagedExportChunk { Data.Length: > 0 } data => data,
                StagedExportChunk => throw new InvalidOperationException($"The staged file '{file.Path}' ended at {output.Length} of {file.Bytes} bytes."),
                CommandRejected rejected => throw new InvalidInputException(rejected),
                Status.Failure failure => throw new InvalidOperationException(failure.Cause.Message, failure.Cause),
                _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name} to {nameof(ReadStagedExport)}."),
            };
            await output.WriteAsync(chunk.Data, cancellationToken).ConfigureAwait(false);
        }
    }
}

using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.DataPortability.Restore;

/// <summary>
/// The hosting node's half of a restore asked from another node (docs/adr/0048): a staging folder of this node
/// receives the export's files the restore reads, then the user's session and learner restore from it exactly as
/// they restore from an export folder on one machine.
/// </summary>
internal static class RestoreStager
{
    /// <summary>Why a restore finds no staging folder on the node now hosting the user.</summary>
    public const string NotStagedHere =
        "the files were sent to another node (the user moved during the restore, or the staging expired); nothing was restored, restore again";

    /// <summary>Creates the staging folder of <paramref name="request"/>; answers <see cref="RestoreStagingOpened"/> or a refusal.</summary>
    /// <param name="staging">This node's staging folders.</param>
    /// <param name="request">What to open.</param>
    /// <param name="node">This node's address (where the caller writes the chunks).</param>
    public static object Open(ExportStaging staging, OpenRestoreStaging request, string node)
    {
        try
        {
            var folder = staging.Create(request.TransferId);
            return new RestoreStagingOpened(request.UserId, request.TransferId, node, folder);
        }
        catch (InvalidInputException ex)
        {
            return ex.Rejection;
        }
    }

    /// <summary>
    /// Checks the staged files against the manifest's sizes and checksums, restores the journal's events and then the
    /// biometric samples through <paramref name="tree"/>, and deletes the staging folder whatever the outcome. Answers
    /// <see cref="RestoredFromStaging"/> (also published on <paramref name="system"/>'s event stream), the session's or
    /// the learner's own refusal, or a failure.
    /// </summary>
    /// <param name="system">This node's actor system.</param>
    /// <param name="staging">This node's staging folders.</param>
    /// <param name="tree">The user's tree on this node.</param>
    /// <param name="request">What to restore.</param>
    /// <param name="node">This node's address.</param>
    /// <param name="timeout">How long the session, then the learner, may take.</param>
    public static async Task<object> RunAsync(ActorSystem system, ExportStaging staging, IActorRef tree, RestoreFromStaging request, string node, TimeSpan timeout)
    {
        try
        {
            if (staging.Existing(request.TransferId) is not { } folder)
            {
                return new CommandRejected("restore", NotStagedHere);
            }

            if (await CheckAsync(folder, request.Files).ConfigureAwait(false) is { } bad)
            {
                return bad;
            }

            var events = JournalExport.Read(Path.Combine(folder, JournalExport.EventsPath));
            var written = await tree.Ask<object>(new RestoreHistory(request.UserId, events), timeout).ConfigureAwait(false);
            if (written is not HistoryRestored history)
            {
                return written;
            }

            // Biometric samples are not journal events (ADR 0015): the learner loads them from the staged copy.
            var samples = await tree.Ask<object>(new RestoreBiometrics(request.UserId, folder), timeout).ConfigureAwait(false);
            if (samples is not BiometricsRestored biometrics)
            {
                return samples;
            }

            var restored = new RestoredFromStaging(request.UserId, request.TransferId, node, folder, request.Files, history, biometrics.Count);
            system.EventStream.Publish(restored);
            return restored;
        }
        catch (InvalidInputException ex)
        {
            return ex.Rejection;
        }
        catch (Exception ex)
        {
            return new Status.Failure(ex);
        }
        finally
        {
            staging.Release(request.TransferId);
        }
    }

    private static async Task<CommandRejected?> CheckAsync(string folder, IReadOnlyList<StagedUpload> files)
    {
        if (!files.Any(f => f.Path == JournalExport.EventsPath))
        {
            return new CommandRejected("files", $"must include {JournalExport.EventsPath}");
        }

        foreach (var file in files)
        {
            if (StagedPaths.Inside(folder, file.Path) is not { } path)
            {
                return new CommandRejected("path", $"'{file.Path}' is not inside the restore's staging folder");
            }

            if (!File.Exists(path) || new FileInfo(path).Length != file.Bytes
                || await ExportFolder.Sha256Async(path, CancellationToken.None).ConfigureAwait(false) != file.Sha256)
            {
                return new CommandRejected("files", $"the staged copy of '{file.Path}' does not match the manifest (size or sha256); nothing was restored");
            }
        }

        return null;
    }
}

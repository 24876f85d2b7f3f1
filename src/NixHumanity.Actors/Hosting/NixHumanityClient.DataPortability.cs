using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.DataPortability.Import;
using NixHumanity.Actors.DataPortability.Restore;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Hosting;

// The client's data portability: import, export, restore of an export, and forget (the type's documentation is on its main part).
public sealed partial class NixHumanityClient
{
    /// <summary>Imports <paramref name="plan"/> (a file already read and checked by <see cref="ImportFile.Read"/>) for
    /// <paramref name="userId"/>, in chunks of <see cref="HistoryImporter.DefaultChunkSize"/> rows.</summary>
    /// <exception cref="InvalidInputException">A bad user id, or <paramref name="strict"/> and the file has bad rows.</exception>
    public Task<ImportReport> ImportAsync(
        string userId,
        ImportPlan plan,
        bool strict = false,
        IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        ClientTelemetry.TraceAsync("import", _clock, null, () =>
            HistoryImporter.RunAsync(userId, plan, strict, (chunk, ct) => AskAsync<HistoryImported>(chunk, ct), progress, HistoryImporter.DefaultChunkSize, cancellationToken));

    /// <summary>
    /// Writes everything held about <paramref name="userId"/> into <paramref name="outputFolder"/> in open formats:
    /// the journal's events as JSON lines and a manifest with counts and the sha256 of every file. In cluster mode the
    /// folder is on this node's machine wherever the user lives: the node hosting the user stages the memory and learner
    /// parts in its own data directory and this node copies them in, in chunks (docs/adr/0044).
    /// </summary>
    /// <exception cref="InvalidInputException">Bad user id, or the folder is not new/empty.</exception>
    public async Task<ExportManifest> ExportAsync(string userId, string outputFolder, CancellationToken cancellationToken = default)
    {
        var folder = ExportFolder.Create(outputFolder, _options.Data.Root);
        var history = await ReadSessionHistoryAsync(userId, cancellationToken).ConfigureAwait(false);
        var events = await JournalExport.WriteAsync(history, Path.Combine(folder, JournalExport.EventsPath), cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, long>
        {
            ["events"] = events,
            ["interactions"] = history.Count(h => h.Event is InteractionRecorded),
            ["notifications"] = history.Count(h => h.Event is NotificationDelivered or NotificationDeferred),
        };
        var descriptions = new Dictionary<string, string>
        {
            [JournalExport.EventsPath] = "the user's journal events, one JSON object per line (sequenceNr, type, event)",
        };

        // Each store is written by its owner actor; the client only collects what they report. In cluster mode the
        // owner may be on another machine: it writes its parts on its own node and this node copies them in (ADR 0044).
        foreach (var part in await ExportPartsAsync(userId, folder, cancellationToken).ConfigureAwait(false))
        {
            foreach (var (path, description) in part.Files)
            {
                descriptions[path] = description;
            }

            foreach (var (name, count) in part.Counts)
            {
                counts[name] = count;
            }
        }

        return await ExportFolder.SealAsync(folder, userId, _clock.GetUtcNow(), counts, descriptions, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<StoreExported>> ExportPartsAsync(string userId, string folder, CancellationToken cancellationToken)
    {
        if (!_options.Cluster.Enabled)
        {
            return
            [
                await AskAsync<StoreExported>(new ExportMemory(userId, folder), cancellationToken).ConfigureAwait(false),
                await AskAsync<StoreExported>(new ExportLearner(userId, folder), cancellationToken).ConfigureAwait(false),
            ];
        }

        try
        {
            return await ExportTransfer.FetchAsync(_system, userId, folder, (stage, ct) => AskAsync<ExportStaged>(stage, ct), _options.AskTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AskTimeoutException ex)
        {
            throw new NixHumanityTimeoutException(nameof(ReadStagedExport), _options.AskTimeout, ex);
        }
    }

    /// <summary>
    /// Restores a user from an export folder into a user without history: checks the manifest's checksums, then
    /// writes the journal events back unchanged (the projections rebuild from them) and has the learner load the
    /// biometric samples back with their original times. In cluster mode the folder is on this node's machine wherever
    /// the user lives: this node sends the files the restore reads to the node hosting the user, in chunks, and that
    /// node restores from its own copy (docs/adr/0048).
    /// </summary>
    /// <exception cref="InvalidInputException">The folder fails verification, or the user already has history.</exception>
    public async Task<HistoryRestored> RestoreAsync(string userId, string exportFolder, CancellationToken cancellationToken = default)
    {
        var manifest = await ExportFolder.VerifyAsync(exportFolder, cancellationToken).ConfigureAwait(false);
        if (manifest.UserId != userId)
        {
            // Events carry the user id they were recorded for; restoring them under another id would mix identities.
            throw new InvalidInputException(new CommandRejected("user", $"the export holds user '{manifest.UserId}'; restore it as that user"));
        }

        if (_options.Cluster.Enabled)
        {
            return await RestoreAcrossNodesAsync(userId, exportFolder, manifest, cancellationToken).ConfigureAwait(false);
        }

        var events = JournalExport.Read(Path.Combine(exportFolder, JournalExport.EventsPath));
        var restored = await AskAsync<HistoryRestored>(new RestoreHistory(userId, events), cancellationToken).ConfigureAwait(false);
        // Biometric samples are not journal events (ADR 0015): the learner loads them back from the export, original times kept.
        await AskAsync<BiometricsRestored>(new RestoreBiometrics(userId, exportFolder), cancellationToken).ConfigureAwait(false);
        return restored;
    }

    private async Task<HistoryRestored> RestoreAcrossNodesAsync(string userId, string exportFolder, ExportManifest manifest, CancellationToken cancellationToken)
    {
        try
        {
            // The hosting node checks the copies, then the session and the learner each take up to the ask timeout.
            var restored = await RestoreTransfer.SendAsync(_system, userId, exportFolder, manifest,
                (open, ct) => AskAsync<RestoreStagingOpened>(open, ct),
                (restore, ct) => AskAsync<RestoredFromStaging>(restore, _options.AskTimeout * 3, ct),
                _options.AskTimeout, cancellationToken).ConfigureAwait(false);
            return restored.History;
        }
        catch (AskTimeoutException ex)
        {
            throw new NixHumanityTimeoutException(nameof(WriteStagedRestore), _options.AskTimeout, ex);
        }
    }

    /// <summary>Removes a user from every store (journal, snapshots, memory, analytics, tensors, charts) and reports what was removed.</summary>
    /// <exception cref="InvalidInputException">The user id is not valid, or the user is already being forgotten.</exception>
    public async Task<ForgetReport> ForgetAsync(string userId, CancellationToken cancellationToken = default)
    {
        var target = await _directory.GetAsync(cancellationToken).ConfigureAwait(false);
        var forget = new ForgetUser(userId);
        // Erasing rewrites the journal file (VACUUM), which takes longer than an ordinary command.
        var reply = await AskWithin(target, forget, _options.AskTimeout * 6, cancellationToken).ConfigureAwait(false);
        return Replies.Expect<UserForgotten>(reply, forget).Report;
    }
}

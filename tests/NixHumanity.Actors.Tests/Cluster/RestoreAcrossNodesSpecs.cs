using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.DataPortability.Restore;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Postgres;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// A restore asked on one node for a user hosted on another (docs/adr/0048): the asking node sends the files the
/// hosting node needs (the journal's events and the biometric samples) in chunks into the hosting node's own staging
/// folder, and the hosting node restores from there; it is never given the export folder's path. Asked on the hosting
/// node, the files are copied into its staging folder instead. Answers after the restore equal the answers before the
/// forget (real PostgreSQL, <see cref="PostgresFactAttribute"/>).
/// </summary>
public sealed class RestoreAcrossNodesSpecs : IAsyncLifetime
{
    private const int Records = 240;
    private const int Samples = 3;

    private readonly TempDataDirectory _out = new();
    private TwoNodeCluster? _cluster;

    // The learner's preferences re-rank every search (the memory adds PreferenceWeight x alignment with their
    // direction), and a fold makes them from whatever the memory has applied by then. A timer's fold falls wherever
    // it falls on a loaded machine (during the recording, or during the restore's rebuild), so the weak matches'
    // order depended on timing, not on the journal. Here only the spec folds, each time after both projections have
    // applied the whole journal.
    public async Task InitializeAsync() => _cluster = await TwoNodeCluster.StartAsync(o => o.FoldInterval = TimeSpan.FromHours(1));

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _out.Dispose();
    }

    [PostgresFact]
    public async Task A_user_hosted_on_B_restored_through_A_is_restored_from_files_A_sent_and_answers_as_before_the_forget()
    {
        var a = _cluster!.First;
        var b = _cluster.Second;
        var user = await _cluster.NewUserHostedOnSecondAsync("rst");
        await _cluster.RecordThroughBothNodesAsync(user, Records);

        var now = DateTimeOffset.UtcNow;
        await a.Client.RecordBiometricsAsync(user, [.. Enumerable.Range(1, Samples).Select(i => new BiometricSample(now.AddMinutes(-i), user, 0.5, 0.4 + i / 100.0, 0.3))]);
        var queries = new[] { "install package number 17", "firefox" };
        (await FoldedAsync(a, user)).DirectionFromMemory.Should().BeTrue("the fold's direction holds every recorded command");
        var before = await AnswersAsync(a, user, queries);
        before.Biometrics.Should().Be(Samples);
        var folder = Path.Combine(_out.Path, "export");
        var manifest = await a.Client.ExportAsync(user, folder);
        (await a.Client.ForgetAsync(user)).Should().NotBeNull();
        (await b.Client.GetStatusAsync(user)).SequenceNr.Should().Be(0, "the forget erased the user's history");

        var restoredOnB = b.System.FirstPublished<RestoredFromStaging>();
        var restoredOnA = a.System.FirstPublished<RestoredFromStaging>();
        var sentByA = a.System.FirstPublished<StagedRestoreSent>();
        (await a.Client.RestoreAsync(user, folder)).Should().NotBeNull();
        var sent = await sentByA.WaitAsync(TimeSpan.FromSeconds(60));
        (sent.Node, sent.FilesCopied, sent.BytesSent).Should().Be((b.Address, 0, manifest.Files.Where(f => f.Path is JournalExport.EventsPath or "learner/biometrics.parquet").Sum(f => f.Bytes)),
            "A does not host the user: every file crosses to B in chunks");

        // B restored from files in its own data directory that A sent; it was never told the export folder.
        var restored = await restoredOnB.WaitAsync(TimeSpan.FromSeconds(60));
        restored.UserId.Should().Be(user);
        restored.Node.Should().Be(b.Address);
        Path.GetFullPath(restored.Folder).Should().StartWith(Path.GetFullPath(b.DataDirectory) + Path.DirectorySeparatorChar);
        restored.Files.Select(f => (f.Path, f.Bytes, f.Sha256)).Should().BeEquivalentTo(
            manifest.Files.Where(f => f.Path is JournalExport.EventsPath or "learner/biometrics.parquet").Select(f => (f.Path, f.Bytes, f.Sha256)));
        restored.Files.Should().Contain(f => f.Bytes > ExportStaging.ChunkBytes, "a file larger than one chunk crosses in several");
        restored.BiometricSamples.Should().Be(Samples);
        restoredOnA.IsCompleted.Should().BeFalse("A hosts nothing of the user and restored nothing itself");
        await Eventually.HoldsAsync(() => Directory.Exists(restored.Folder).Should().BeFalse("B deletes its staging folder once restored"), TimeSpan.FromSeconds(60));

        (await FoldedAsync(a, user)).DirectionFromMemory.Should().BeTrue("the restored learner folds the whole restored journal");
        var after = await AnswersAsync(a, user, queries);
        after.Status.Should().BeEquivalentTo(before.Status);
        after.Biometrics.Should().Be(before.Biometrics);
        after.Hits.Should().Equal(before.Hits, "the same events and the same preferences rank the same ten hits in the same order");
        after.Flow.Should().BeEquivalentTo(before.Flow);
        (await b.ActiveUsersAsync()).Should().Contain(user, "the user was restored where it lives");

        // Asked on B, the node hosting the user: the files are copied into B's staging folder, none crosses B's own
        // /user/users in chunks, and the restore answers as before.
        (await b.Client.ForgetAsync(user)).Should().NotBeNull();
        var restoredAgain = b.System.FirstPublished<RestoredFromStaging>();
        var sentByB = b.System.FirstPublished<StagedRestoreSent>();
        (await b.Client.RestoreAsync(user, folder)).Should().NotBeNull();
        var local = await sentByB.WaitAsync(TimeSpan.FromSeconds(60));
        (local.Node, local.FilesCopied, local.BytesSent).Should().Be((b.Address, 2, 0L), "B hosts the user: the files are copied, not sent in chunks");
        var again = await restoredAgain.WaitAsync(TimeSpan.FromSeconds(60));
        again.Files.Should().BeEquivalentTo(restored.Files);
        again.BiometricSamples.Should().Be(Samples);
        await Eventually.HoldsAsync(() => Directory.Exists(again.Folder).Should().BeFalse("B deletes its staging folder once restored"), TimeSpan.FromSeconds(60));
        (await AnswersAsync(b, user, queries)).Status.Should().BeEquivalentTo(before.Status);
    }

    /// <summary>
    /// Waits until the memory and the learner have applied the user's whole journal, then folds: the memory then holds
    /// the preferences of every recorded command, however the events arrived.
    /// </summary>
    private static async Task<FoldReport> FoldedAsync(ClusterNode node, string user)
    {
        var journal = (await node.Client.GetStatusAsync(user)).SequenceNr;
        await Eventually.HoldsAsync(async () =>
        {
            (await node.Client.GetMemoryStatusAsync(user)).LastSequenceNr.Should().Be(journal);
            (await node.Client.AskAsync<ProjectionStatus>(new GetLearnerStatus(user))).LastSequenceNr.Should().Be(journal);
        }, TimeSpan.FromSeconds(120));
        return await node.Client.FoldAsync(user);
    }

    private static async Task<Answers> AnswersAsync(ClusterNode node, string user, IReadOnlyList<string> queries)
    {
        var hits = new List<string>();
        foreach (var query in queries)
        {
            hits.AddRange((await node.Client.SearchAsync(new SearchMemory(user, query, 10))).Results
                .Select(h => $"{query}: {h.Id}|{h.Command}|{h.Similarity:0.0000}|{h.SuccessRate:0.0000}"));
        }

        var counts = await node.Client.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts(user));
        return new Answers(await node.Client.GetStatusAsync(user), hits, await node.Client.QueryFlowAsync(user), counts.Tables[BiometricSeries.Table]);
    }

    private sealed record Answers(SessionStatus Status, IReadOnlyList<string> Hits, IReadOnlyList<FlowRow> Flow, long Biometrics);
}

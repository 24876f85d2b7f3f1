using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Postgres;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// An export asked on one node for a user hosted on another (docs/adr/0044): the hosting node writes the memory and
/// learner parts into a staging folder of its own data directory, the asking node reads them in chunks and writes
/// every file of the export itself, and the export restores to equal answers (real PostgreSQL,
/// <see cref="PostgresFactAttribute"/>).
/// </summary>
public sealed class ExportAcrossNodesSpecs : IAsyncLifetime
{
    private const int Records = 240;

    private readonly TempDataDirectory _out = new();
    private readonly TempDataDirectory _restored = new();
    private TwoNodeCluster? _cluster;

    public async Task InitializeAsync() => _cluster = await TwoNodeCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _out.Dispose();
        _restored.Dispose();
    }

    [PostgresFact]
    public async Task A_user_hosted_on_B_exported_through_A_is_written_by_A_alone_restores_to_equal_answers_and_exported_on_B_gives_the_same_bytes()
    {
        var a = _cluster!.First;
        var b = _cluster.Second;
        var user = await _cluster.NewUserHostedOnSecondAsync("exp");
        // Enough distinct commands for the memory's Parquet file to span several chunks.
        await _cluster.RecordThroughBothNodesAsync(user, Records);

        await a.Client.RecordBiometricsAsync(user, [new BiometricSample(DateTimeOffset.UtcNow.AddMinutes(-2), user, 0.5, 0.4, 0.3)]);
        // Folded now, so no periodic fold between the two exports below changes the learner's files.
        await a.Client.FoldAsync(user);
        var stagedOnB = b.System.FirstPublished<ExportStaged>();
        var stagedOnA = a.System.FirstPublished<ExportStaged>();
        var folder = Path.Combine(_out.Path, "export");

        var manifest = await a.Client.ExportAsync(user, folder);

        // B wrote its parts only into its own data directory, and was never told where the export goes.
        var staged = await stagedOnB.WaitAsync(TimeSpan.FromSeconds(60));
        staged.UserId.Should().Be(user);
        staged.Node.Should().Be(b.Address);
        Path.GetFullPath(staged.Folder).Should().StartWith(Path.GetFullPath(b.DataDirectory) + Path.DirectorySeparatorChar);
        stagedOnA.IsCompleted.Should().BeFalse("A hosts nothing of the user and staged nothing");
        staged.Files.Should().Contain(f => f.Bytes > ExportStaging.ChunkBytes, "a file larger than one chunk crosses in several");
        await Eventually.HoldsAsync(() => Directory.Exists(staged.Folder).Should().BeFalse("A released the staging folder once it had every file"), TimeSpan.FromSeconds(60));

        // A holds every file: the journal's events it read itself and every byte B staged, and the manifest checks.
        var stores = manifest.Files.Where(f => f.Path.StartsWith("memory/", StringComparison.Ordinal) || f.Path.StartsWith("learner/", StringComparison.Ordinal));
        stores.Select(f => (f.Path, f.Bytes)).Should().BeEquivalentTo(staged.Files.Select(f => (f.Path, f.Bytes)));
        manifest.Files.Should().Contain(f => f.Path == JournalExport.EventsPath);
        manifest.Counts["interactions"].Should().Be(Records + 1);
        manifest.Counts["memories"].Should().Be(Records + 1);
        manifest.Counts["biometricSamples"].Should().Be(1);
        (await ExportFolder.VerifyAsync(folder, CancellationToken.None)).Should().BeEquivalentTo(manifest);

        await using var single = ActorTree.Start(_restored.Path);
        var client = single.Client();
        await client.RestoreAsync(user, folder);
        (await client.GetStatusAsync(user)).Should().BeEquivalentTo(await b.Client.GetStatusAsync(user));
        foreach (var query in new[] { "install package number 17", "firefox" })
        {
            var there = await a.Client.SearchAsync(new SearchMemory(user, query, 10));
            await Eventually.HoldsAsync(async () =>
                Hits(await client.SearchAsync(new SearchMemory(user, query, 10))).Should().Equal(Hits(there)), TimeSpan.FromSeconds(120));
        }

        await Eventually.HoldsAsync(async () =>
            (await client.QueryAsync(user, "flow")).Should().BeEquivalentTo(await a.Client.QueryAsync(user, "flow")), TimeSpan.FromSeconds(120));

        // Asked on B, the node hosting the user (docs/adr/0048): the staged files move into the export folder instead
        // of being read back in chunks and written a second time; the bytes are the same as A's copy.
        var fetchedOnB = b.System.FirstPublished<StagedExportFetched>();
        var stagedAgain = b.System.FirstPublished<ExportStaged>();
        var onHost = await b.Client.ExportAsync(user, Path.Combine(_out.Path, "on-host"));
        var fetched = await fetchedOnB.WaitAsync(TimeSpan.FromSeconds(60));
        fetched.Node.Should().Be(b.Address);
        fetched.FilesMoved.Should().Be((await stagedAgain.WaitAsync(TimeSpan.FromSeconds(60))).Files.Count);
        fetched.BytesCopied.Should().Be(0, "nothing crosses in chunks when the caller's node hosts the user");
        StoreFiles(onHost).Should().BeEquivalentTo(StoreFiles(manifest));
        await Eventually.HoldsAsync(() => Directory.Exists(Path.Combine(b.DataDirectory, ExportStaging.FolderName, fetched.ExportId)).Should().BeFalse(), TimeSpan.FromSeconds(60));
    }

    private static IEnumerable<(string Path, long Bytes, string Sha256)> StoreFiles(ExportManifest manifest) =>
        manifest.Files.Where(f => f.Path != ExportManifest.FileName).Select(f => (f.Path, f.Bytes, f.Sha256));

    private static List<string> Hits(MemorySearched searched) =>
        [.. searched.Results.Select(h => $"{h.Id}|{h.Command}|{h.Similarity:0.0000}|{h.SuccessRate:0.0000}")];
}

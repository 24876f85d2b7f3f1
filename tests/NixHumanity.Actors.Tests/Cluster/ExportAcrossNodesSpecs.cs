using Akka.Actor;
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
    private static readonly string[] Users = [.. Enumerable.Range(1, 60).Select(i => $"exp{i}")];

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
    public async Task A_user_hosted_on_B_exported_through_A_is_written_by_A_alone_and_restores_to_equal_answers()
    {
        var a = _cluster!.First;
        var b = _cluster.Second;
        // Which node hosts a new user depends on which shard regions the coordinator knows when the user's shard is
        // first allocated: people are recorded one by one until one lives on B.
        string? user = null;
        foreach (var each in Users)
        {
            await a.Client.RecordInteractionAsync(new RecordInteraction(each, "s1", "install firefox", "nix-env -iA nixpkgs.firefox", Outcome: InteractionOutcome.Success));
            if ((await b.ActiveUsersAsync()).Contains(each))
            {
                user = each;
                break;
            }
        }

        if (user is null)
        {
            throw new Xunit.Sdk.XunitException($"none of {Users.Length} new people was hosted on the second node");
        }
        // Enough distinct commands for the memory's Parquet file to span several chunks.
        for (var i = 0; i < Records; i++)
        {
            var node = i % 2 == 0 ? a : b;
            await node.Client.RecordInteractionAsync(new RecordInteraction(
                user, "s1", $"install package number {i} for the project", $"nix-env -iA nixpkgs.package{i}",
                Outcome: i % 7 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success));
        }

        await a.Client.RecordBiometricsAsync(user, [new BiometricSample(DateTimeOffset.UtcNow.AddMinutes(-2), user, 0.5, 0.4, 0.3)]);
        var stagedOnB = CreateStagingProbe(b.System);
        var stagedOnA = CreateStagingProbe(a.System);
        var folder = Path.Combine(_out.Path, "export");

        var manifest = await a.Client.ExportAsync(user, folder);

        // B wrote its parts only into its own data directory, and was never told where the export goes.
        var staged = await stagedOnB.Task.WaitAsync(TimeSpan.FromSeconds(60));
        staged.UserId.Should().Be(user);
        staged.Node.Should().Be(b.Address);
        Path.GetFullPath(staged.Folder).Should().StartWith(Path.GetFullPath(b.DataDirectory) + Path.DirectorySeparatorChar);
        stagedOnA.Task.IsCompleted.Should().BeFalse("A hosts nothing of the user and staged nothing");
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
    }

    private static List<string> Hits(MemorySearched searched) =>
        [.. searched.Results.Select(h => $"{h.Id}|{h.Command}|{h.Similarity:0.0000}|{h.SuccessRate:0.0000}")];

    /// <summary>Completes with the first <see cref="ExportStaged"/> published on <paramref name="system"/>'s event stream.</summary>
    private static TaskCompletionSource<ExportStaged> CreateStagingProbe(ActorSystem system)
    {
        var staged = new TaskCompletionSource<ExportStaged>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = system.ActorOf(Props.Create(() => new StagingListener(staged)));
        system.EventStream.Subscribe(listener, typeof(ExportStaged));
        return staged;
    }

    private sealed class StagingListener : ReceiveActor
    {
        public StagingListener(TaskCompletionSource<ExportStaged> staged) => Receive<ExportStaged>(e => staged.TrySetResult(e));
    }
}

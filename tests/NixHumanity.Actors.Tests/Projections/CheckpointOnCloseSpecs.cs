using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// A stopping node closes its stores without checkpointing them (ADR 0033): their write-ahead logs stay, and the next
/// open replays them. A user's tree passivated while the node runs folds its logs into its files, and so does a
/// projection that has been quiet for <c>Projections.CheckpointWhenIdleFor</c> (docs/adr/0039).
/// </summary>
public sealed class CheckpointOnCloseSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string MemoryWal => Path.Combine(_data.Path, "users", "ann", "memory", VectorMemoryStore.FileName + ".wal");

    private string AnalyticsWal => Path.Combine(_data.Path, "users", "ann", "learner", AnalyticsStore.FileName + ".wal");

    private static long Bytes(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    [Fact]
    public async Task A_stopping_node_leaves_the_logs_to_the_next_open_and_a_passivated_tree_folds_them_into_its_files()
    {
        long first;
        // No checkpoint after a quiet period in this part, however slowly the machine runs it.
        await using (var tree = ActorTree.Start(_data.Path, o => o.Projections.CheckpointWhenIdleFor = TimeSpan.FromHours(1)))
        {
            first = (await tree.RecordAsync("ann", "install vlc", command: "nix-env -iA nixpkgs.vlc")).SequenceNr;
            await AppliedAsync(tree, first);
        }

        Bytes(MemoryWal).Should().BeGreaterThan(0, "the stopping node did not checkpoint the memory");
        Bytes(AnalyticsWal).Should().BeGreaterThan(0, "the stopping node did not checkpoint the learner");

        await using (var tree = ActorTree.Start(_data.Path, o =>
        {
            o.PassivationTimeout = TimeSpan.FromMilliseconds(500);
            o.Projections.CheckpointWhenIdleFor = TimeSpan.FromHours(1);
        }))
        {
            var second = (await tree.RecordAsync("ann", "install git", command: "nix-env -iA nixpkgs.git")).SequenceNr;
            await AppliedAsync(tree, second);
            await Eventually.HoldsAsync(() =>
            {
                Bytes(MemoryWal).Should().Be(0, "the passivated memory checkpointed");
                Bytes(AnalyticsWal).Should().Be(0, "the passivated learner checkpointed");
            }, TimeSpan.FromMinutes(2));
            // Asked while the passivated tree may still be stopping: the directory holds the request for the next tree,
            // which may itself be passivated before its memory has caught up; the memory answers it before it stops.
            var memory = await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"));
            memory.LastSequenceNr.Should().Be(second);
            memory.Rows.Should().Be(2, "the first node's row came back from its log");
        }
    }

    [Fact]
    public async Task A_projection_quiet_for_a_while_folds_its_log_into_its_files_while_its_user_stays_active()
    {
        await using var tree = ActorTree.Start(_data.Path, o => o.Projections.CheckpointWhenIdleFor = TimeSpan.FromMilliseconds(300));
        var first = (await tree.RecordAsync("ann", "install vlc", command: "nix-env -iA nixpkgs.vlc")).SequenceNr;
        await AppliedAsync(tree, first);

        await Eventually.HoldsAsync(() =>
        {
            Bytes(MemoryWal).Should().Be(0, "the quiet memory checkpointed");
            Bytes(AnalyticsWal).Should().Be(0, "the quiet learner checkpointed");
        }, TimeSpan.FromMinutes(2));
        ((ActiveUsers)await tree.AskDirectoryAsync(GetActiveUsers.Instance)).UserIds.Should().Contain("ann", "the tree was not passivated: the checkpoint came from the quiet period");

        var second = (await tree.RecordAsync("ann", "install git", command: "nix-env -iA nixpkgs.git")).SequenceNr;
        await AppliedAsync(tree, second);
        (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"))).Rows.Should().Be(2, "the store takes events after its checkpoint");
    }

    [Fact]
    public async Task Twenty_users_stopped_with_their_node_reopen_without_a_repair_and_equal_to_the_journal()
    {
        // The stopping node leaves its users' files to the shared instances' closes (docs/adr/0047): no detach, no
        // checkpoint. The next node must open every store as it was left: nothing set aside, nothing rebuilt, every
        // projection at the journal's last event with every row.
        var users = Enumerable.Range(0, 20).Select(i => $"user-{i:D2}").ToList();
        var last = new Dictionary<string, long>();
        var before = PerUserDuckDb.CloseStatistics();
        await using (var tree = ActorTree.Start(_data.Path, o => o.Projections.CheckpointWhenIdleFor = TimeSpan.FromHours(1)))
        {
            await Task.WhenAll(users.Select(async user =>
            {
                long sequenceNr = 0;
                for (var i = 0; i < 3; i++)
                {
                    sequenceNr = (await tree.RecordAsync(user, $"install package {i}", command: $"nix-env -iA nixpkgs.pkg{i}")).SequenceNr;
                }

                lock (last)
                {
                    last[user] = sequenceNr;
                }
            }));
            foreach (var user in users)
            {
                await AppliedAsync(tree, user, last[user]);
            }
        }

        (PerUserDuckDb.CloseStatistics().LeftAttached - before.LeftAttached).Should().BeGreaterThanOrEqualTo(
            users.Count * 3, "each user's memory, analytics and biometrics files were left to their data directory's "
            + "instances' closes (docs/adr/0047, amendment 2)");
        foreach (var user in users)
        {
            Bytes(Path.Combine(_data.Path, "users", user, "memory", VectorMemoryStore.FileName + ".wal")).Should().BeGreaterThan(0, "the stop did not checkpoint");
        }

        await using (var tree = ActorTree.Start(_data.Path, o => o.Projections.CheckpointWhenIdleFor = TimeSpan.FromHours(1)))
        {
            foreach (var user in users)
            {
                await AppliedAsync(tree, user, last[user]);
                var memory = await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus(user));
                memory.Rows.Should().Be(3, $"{user}'s rows came back from the log");
                (await tree.JournalEventsAsync(user)).Should().HaveCount((int)last[user]);
            }

            tree.Client().StoreRepairs().Should().BeEmpty("a store closed without a checkpoint is not damaged");
        }
    }

    private static Task AppliedAsync(ActorTree tree, long sequenceNr) => AppliedAsync(tree, "ann", sequenceNr);

    private static Task AppliedAsync(ActorTree tree, string user, long sequenceNr) => Eventually.HoldsAsync(async () =>
    {
        (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus(user))).LastSequenceNr.Should().Be(sequenceNr);
        (await tree.AskAsync<ProjectionStatus>(new GetLearnerStatus(user))).LastSequenceNr.Should().Be(sequenceNr);
    }, TimeSpan.FromMinutes(2));
}

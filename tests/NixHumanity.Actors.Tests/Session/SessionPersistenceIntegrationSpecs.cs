using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Session;

public sealed class SessionPersistenceIntegrationSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task An_interaction_is_acknowledged_only_once_it_is_in_the_journal_file()
    {
        await using var tree = ActorTree.Start(_data.Path);

        var first = await tree.RecordAsync("alice", "install firefox");
        // Read the file with a separate connection: the acknowledged event must already be there.
        var rowsAfterFirst = JournalFile.CountRows(tree.Options.Data.JournalDatabase, "journal");
        var second = await tree.RecordAsync("alice", "install vim");

        first.SequenceNr.Should().Be(1);
        second.SequenceNr.Should().Be(2);
        first.InteractionId.Should().NotBe(second.InteractionId);
        rowsAfterFirst.Should().Be(1);
        JournalFile.CountRows(tree.Options.Data.JournalDatabase, "journal").Should().Be(2);
    }

    [Fact]
    public async Task A_new_actor_system_on_the_same_data_dir_recovers_the_session()
    {
        SessionStatus before;
        await using (var tree = ActorTree.Start(_data.Path))
        {
            await tree.RecordAsync("alice", "install firefox");
            await tree.RecordAsync("alice", "install vim", InteractionOutcome.Failure);
            await tree.RecordAsync("bob", "update my system");
            await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("alice", "system-update"));
            before = await tree.StatusAsync("alice");
        }

        await using var restarted = ActorTree.Start(_data.Path);
        var after = await restarted.StatusAsync("alice");

        after.Should().BeEquivalentTo(before);
        after.Interactions.Should().Be(2);
        after.Notifications.Should().Be(1);
        (await restarted.StatusAsync("bob")).Interactions.Should().Be(1);
        (await restarted.RecordAsync("alice", "install htop")).SequenceNr.Should().Be(before.SequenceNr + 1);
    }

    [Fact]
    public async Task Recovery_starts_from_the_latest_snapshot_and_replays_the_tail()
    {
        SessionStatus before;
        await using (var tree = ActorTree.Start(_data.Path, o => o.SnapshotInterval = 50))
        {
            for (var i = 0; i < 120; i++)
            {
                await tree.RecordAsync("alice", $"request {i}");
            }

            // Snapshots are saved asynchronously after the acknowledgement; wait for the second one to land.
            await Eventually.HoldsAsync(() =>
                JournalFile.CountRows(tree.Options.Data.JournalDatabase, "snapshot").Should().Be(1, "older snapshots are deleted"));
            before = await tree.StatusAsync("alice");
        }

        await using var restarted = ActorTree.Start(_data.Path, o => o.SnapshotInterval = 50);
        var status = await restarted.StatusAsync("alice");

        status.Interactions.Should().Be(120);
        status.Should().BeEquivalentTo(before);
    }
}

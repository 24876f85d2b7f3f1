using Akka.Actor;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

public sealed class PassivationIntegrationSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task An_idle_user_tree_is_stopped_and_comes_back_transparently_on_the_next_message()
    {
        await using var tree = ActorTree.Start(_data.Path, o => o.PassivationTimeout = TimeSpan.FromSeconds(1));
        await tree.RecordAsync("rose", "install firefox please");
        (await tree.AskDirectoryAsync()).UserIds.Should().Equal("rose");
        var firstTree = (await tree.ActorAsync("rose", ""))!;

        // Wait for the passivation itself (death watch), not for a clock: the directory learns of its child's end
        // before it reads any later message, so the next question sees it gone.
        await firstTree.TerminatedAsync();
        (await tree.AskDirectoryAsync()).UserIds.Should().BeEmpty();
        var status = await tree.StatusAsync("rose");
        var ack = await tree.RecordAsync("rose", "make the text bigger");

        status.Interactions.Should().Be(1, "the tree recovered from the journal");
        ack.SequenceNr.Should().Be(2);
        (await tree.AskDirectoryAsync()).UserIds.Should().Contain("rose");
    }

    // "A busy user is not passivated" paced requests with wall-clock delays; it is now
    // UserActorSpecs.A_busy_tree_is_not_passivated, on virtual time.

    [Fact]
    public async Task Passivation_never_drops_work_the_tree_has_already_accepted()
    {
        // The tree is asked to passivate (as its receive timeout would, and a 15 ms timeout also does) right before
        // most requests, so they arrive while it stops, often while the session is still recovering or writing:
        // each request must still be answered and journaled exactly once.
        await using var tree = ActorTree.Start(_data.Path, o => o.PassivationTimeout = TimeSpan.FromMilliseconds(15));
        var random = new Random(7);
        var acks = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            if (random.Next(0, 4) > 0)
            {
                tree.Directory.Tell(new PassivateUser("maya"));
            }

            acks.Add((await tree.RecordAsync("maya", $"step {i}")).SequenceNr);
        }

        acks.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        (await tree.StatusAsync("maya")).Interactions.Should().Be(30);
    }
}

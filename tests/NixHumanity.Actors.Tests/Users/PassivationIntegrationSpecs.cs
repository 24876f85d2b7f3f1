using NixHumanity.Actors.Projections;
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

        await Eventually.HoldsAsync(async () => (await tree.AskDirectoryAsync()).UserIds.Should().BeEmpty());
        var status = await tree.StatusAsync("rose");
        var ack = await tree.RecordAsync("rose", "make the text bigger");

        status.Interactions.Should().Be(1, "the tree recovered from the journal");
        ack.SequenceNr.Should().Be(2);
        (await tree.AskDirectoryAsync()).UserIds.Should().Contain("rose");
    }

    [Fact]
    public async Task A_busy_user_is_not_passivated()
    {
        // Requests every 100 ms for longer than the timeout in total, but never idle for the timeout.
        await using var tree = ActorTree.Start(_data.Path, o => o.PassivationTimeout = TimeSpan.FromSeconds(3));
        // Warm up first (JIT, journal tables) so a cold start on a loaded machine cannot look like an idle period.
        await tree.RecordAsync("warm-up", "first request of the process");
        await tree.RecordAsync("maya", "first step");
        var started = await tree.SystemActorUidAsync("maya");

        for (var i = 0; i < 40; i++)
        {
            await tree.RecordAsync("maya", $"step {i}");
            await Task.Delay(100);
        }

        started.Should().NotBeNull();
        (await tree.SystemActorUidAsync("maya")).Should().Be(started, "the same tree served every message");
    }

    [Fact]
    public async Task Passivation_never_drops_work_the_tree_has_already_accepted()
    {
        // A timeout this short makes the tree passivate between almost every pair of requests, often while the
        // session is still recovering or writing: each request must still be answered and journaled exactly once.
        await using var tree = ActorTree.Start(_data.Path, o => o.PassivationTimeout = TimeSpan.FromMilliseconds(15));
        var random = new Random(7);
        var acks = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            acks.Add((await tree.RecordAsync("maya", $"step {i}")).SequenceNr);
            await Task.Delay(random.Next(0, 40));
        }

        acks.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        (await tree.StatusAsync("maya")).Interactions.Should().Be(30);
    }
}

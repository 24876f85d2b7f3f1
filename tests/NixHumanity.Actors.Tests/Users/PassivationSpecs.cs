using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

public sealed class PassivationSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task An_idle_user_tree_is_stopped_and_comes_back_transparently_on_the_next_message()
    {
        await using var tree = ActorTree.Start(_data.Path, o => o.PassivationTimeout = TimeSpan.FromMilliseconds(300));
        await tree.RecordAsync("rose", "install firefox please");
        await tree.RecordAsync("maya", "install ripgrep");
        (await tree.AskDirectoryAsync()).UserIds.Should().Equal("maya", "rose");

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
        await using var tree = ActorTree.Start(_data.Path, o => o.PassivationTimeout = TimeSpan.FromMilliseconds(400));
        await tree.RecordAsync("maya", "first step");
        var started = await tree.SystemActorUidAsync("maya");

        for (var i = 0; i < 10; i++)
        {
            await tree.RecordAsync("maya", $"step {i}");
            await Task.Delay(100);
        }

        started.Should().NotBeNull();
        (await tree.SystemActorUidAsync("maya")).Should().Be(started, "the same tree served every message");
    }
}

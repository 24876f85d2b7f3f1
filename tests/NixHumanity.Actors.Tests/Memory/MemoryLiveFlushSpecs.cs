using Akka.Actor;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The memory actor's live commits are rate-limited by <c>ProjectionMinFlushInterval</c>: a burst is committed in few
/// store transactions (table versions), a lone event at once, and every query still sees every acknowledged event.
/// </summary>
public sealed class MemoryLiveFlushSpecs : IDisposable
{
    private const int Burst = 40;

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private ActorTree StartTree(TimeSpan interval) => ActorTree.Start(_data.Path, o => o.ProjectionMinFlushInterval = interval);

    private static Task<LiveFlushState> InspectAsync(ActorTree tree, string userId) =>
        tree.Directory.Ask<LiveFlushState>(new InspectMemoryLiveFlush(userId), TimeSpan.FromSeconds(10));

    /// <summary>Waits until the memory is ready (caught up with the empty journal), so no event is stashed.</summary>
    private static Task<ProjectionStatus> ReadyAsync(ActorTree tree, string userId) =>
        tree.AskAsync<ProjectionStatus>(new GetMemoryStatus(userId));

    private static async Task RecordBurstAsync(ActorTree tree, string userId, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await tree.RecordAsync(userId, $"install package number {i}", command: $"nix-env -iA nixpkgs.package{i}");
        }
    }

    [Fact]
    public async Task A_burst_is_committed_in_a_few_transactions_and_a_search_right_after_it_sees_every_event()
    {
        await using var tree = StartTree(TimeSpan.FromMinutes(1));
        var before = await ReadyAsync(tree, "rose");

        await RecordBurstAsync(tree, "rose", Burst);

        // Only the first event (after a quiet spell) is committed at once; the rest wait for the interval.
        // The inspection can overtake the actor's own flush marker for the last event, so wait until the actor has
        // handled it. Then either the buffer waits for the one-minute timer, or (when the actor was still busy while
        // the burst arrived, so its mailbox never drained) it committed everything in one go. Either way the burst
        // took at most two transactions.
        await Eventually.HoldsAsync(async () =>
        {
            var during = await InspectAsync(tree, "rose");
            (during.TimerActive || during.Pending == 0).Should().BeTrue($"the flush marker was handled ({during})");
            during.Batches.Should().BeLessThanOrEqualTo(2);
        });

        // Read-your-writes: the search applies the buffer first.
        var found = await tree.AskAsync<MemorySearched>(new SearchMemory("rose", $"install package number {Burst - 1}", Limit: 1));
        found.Results.Should().ContainSingle().Which.Command.Should().Be($"nix-env -iA nixpkgs.package{Burst - 1}");
        var status = await ReadyAsync(tree, "rose");
        var session = await tree.StatusAsync("rose");
        status.LastSequenceNr.Should().Be(session.SequenceNr);
        status.Rows.Should().Be(Burst);
        status.EventsApplied.Should().Be(session.SequenceNr);
        (status.Version - before.Version).Should().BeLessThanOrEqualTo(3, $"{Burst} live events need not be {Burst} table versions");

        var after = await InspectAsync(tree, "rose");
        after.Pending.Should().Be(0);
        after.TimerActive.Should().BeFalse("the commit a query makes cancels the timer");
        after.Batches.Should().BeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task With_the_default_interval_every_query_right_after_a_burst_sees_every_event()
    {
        await using var tree = ActorTree.Start(_data.Path);
        tree.Options.ProjectionMinFlushInterval.Should().Be(TimeSpan.FromMilliseconds(250));

        await RecordBurstAsync(tree, "rose", Burst);
        var embeddings = await tree.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings("rose"));
        await tree.RecordAsync("rose", "turn on the night light", command: "gsettings set org.gnome.settings-daemon.plugins.color night-light-enabled true");
        var found = await tree.AskAsync<MemorySearched>(new SearchMemory("rose", "turn on the night light", Limit: 1));
        await tree.RecordAsync("rose", "install vlc", command: "nix-env -iA nixpkgs.vlc");
        var status = await ReadyAsync(tree, "rose");

        embeddings.Commands.Should().HaveCount(Burst);
        found.Results.Should().ContainSingle().Which.Command.Should().Contain("night-light");
        status.Rows.Should().Be(Burst + 2);
        status.LastSequenceNr.Should().Be((await tree.StatusAsync("rose")).SequenceNr);
    }

    [Fact]
    public async Task With_interval_zero_every_lone_event_is_committed_at_once_as_before()
    {
        await using var tree = StartTree(TimeSpan.Zero);
        await ReadyAsync(tree, "rose");

        // A record may journal two events (an interaction, then flow starting), each committed when it is handled
        // alone; what matters is that every record is committed without a query although the last commit was just now.
        long committed = 0;
        var sawTimer = false;
        for (var i = 1; i <= 5; i++)
        {
            await tree.RecordAsync("rose", $"install package number {i}", command: $"nix-env -iA nixpkgs.package{i}");
            var previous = committed;
            await Eventually.HoldsAsync(async () =>
            {
                var state = await InspectAsync(tree, "rose");
                sawTimer |= state.TimerActive;
                state.Pending.Should().Be(0);
                state.Batches.Should().BeGreaterThan(previous, "each event is committed when the mailbox drains");
                state.TimerActive.Should().BeFalse();
                committed = state.Batches;
            });
        }

        sawTimer.Should().BeFalse("with interval 0 no commit is ever deferred to a timer");
        committed.Should().BeLessThanOrEqualTo((await tree.StatusAsync("rose")).SequenceNr);

        (await ReadyAsync(tree, "rose")).Rows.Should().Be(5);
    }

    [Fact]
    public async Task A_lone_event_is_committed_at_once_and_the_next_one_within_the_interval_when_its_timer_fires()
    {
        // A long interval, so the second record lands inside it even on a heavily loaded machine.
        await using var tree = StartTree(TimeSpan.FromSeconds(8));
        await ReadyAsync(tree, "rose");

        await tree.RecordAsync("rose", "install firefox", command: "nix-env -iA nixpkgs.firefox");
        await Eventually.HoldsAsync(async () =>
        {
            var state = await InspectAsync(tree, "rose");
            state.Pending.Should().Be(0, "the first event after a quiet spell is committed when the mailbox drains");
            state.Batches.Should().Be(1);
        });

        await tree.RecordAsync("rose", "install vlc", command: "nix-env -iA nixpkgs.vlc");
        // Well within the interval, and long enough for a commit on drain to have happened.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var waiting = await InspectAsync(tree, "rose");
        await Eventually.HoldsAsync(async () =>
        {
            // No query: only the timer commits it.
            var state = await InspectAsync(tree, "rose");
            state.Pending.Should().Be(0);
            state.Batches.Should().Be(2);
            state.TimerActive.Should().BeFalse();
        }, within: TimeSpan.FromSeconds(30));

        waiting.Batches.Should().Be(1);
        waiting.Pending.Should().BeGreaterThan(0, "the second record came within the interval of the first commit");
        waiting.TimerActive.Should().BeTrue();
    }
}

using Akka.Actor;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// The learner's live commits are rate-limited by <c>ProjectionMinFlushInterval</c>: a burst is committed in few
/// analytics transactions, a lone event at once, and every request still sees every acknowledged event.
/// </summary>
public sealed class LearnerLiveFlushSpecs : IDisposable
{
    private const int Burst = 40;

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private ActorTree StartTree(TimeSpan interval) => ActorTree.Start(_data.Path, o =>
    {
        o.FoldInterval = TimeSpan.FromHours(1);
        o.ProjectionMinFlushInterval = interval;
    });

    private static Task<LiveFlushState> InspectAsync(ActorTree tree, string userId) =>
        tree.Directory.Ask<LiveFlushState>(new InspectLearnerLiveFlush(userId), TimeSpan.FromSeconds(10));

    /// <summary>Waits until the learner is ready (caught up with the journal), so no event is stashed.</summary>
    private static Task<ProjectionStatus> StatusAsync(ActorTree tree, string userId) =>
        tree.AskAsync<ProjectionStatus>(new GetLearnerStatus(userId));

    private static async Task RecordBurstAsync(ActorTree tree, string userId, int count, int from = 0)
    {
        for (var i = from; i < from + count; i++)
        {
            await tree.RecordAsync(userId, $"request {i}", command: $"nix-env -iA nixpkgs.package{i}");
        }
    }

    [Fact]
    public async Task A_burst_is_committed_in_a_few_transactions_and_every_request_right_after_it_sees_every_event()
    {
        await using var tree = StartTree(TimeSpan.FromMinutes(1));
        await StatusAsync(tree, "ana");

        await RecordBurstAsync(tree, "ana", Burst);

        // The inspection can overtake the actor's own flush marker for the last event, so wait until the actor has
        // handled it. Then either the buffer waits for the one-minute timer, or (when the actor was still busy while
        // the burst arrived, so its mailbox never drained) it committed everything in one go. Either way the burst
        // took at most two transactions.
        await Eventually.HoldsAsync(async () =>
        {
            var during = await InspectAsync(tree, "ana");
            (during.TimerActive || during.Pending == 0).Should().BeTrue($"the flush marker was handled ({during})");
            during.Batches.Should().BeLessThanOrEqualTo(2, "only the first event after a quiet spell is committed at once");
        });

        var session = await tree.StatusAsync("ana");
        var counts = await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("ana"));
        counts.Checkpoint.Should().Be(session.SequenceNr);
        counts.Tables["interactions"].Should().Be(Burst);
        var status = await StatusAsync(tree, "ana");
        status.LastSequenceNr.Should().Be(session.SequenceNr);
        status.EventsApplied.Should().Be(session.SequenceNr);

        var after = await InspectAsync(tree, "ana");
        after.Pending.Should().Be(0);
        after.TimerActive.Should().BeFalse("the commit a request makes cancels the timer");
        after.Batches.Should().BeLessThanOrEqualTo(3, $"{Burst} live events need not be {Burst} transactions");

        // Every kind of request applies the buffer first: the next-command suggestion sees the last recording.
        await RecordBurstAsync(tree, "ana", 3, from: Burst);
        await RecordBurstAsync(tree, "ana", 1, from: 0);
        var next = await tree.AskAsync<NextCommands>(new SuggestNextCommands("ana"));
        next.AfterCommand.Should().Be("nix-env -iA nixpkgs.package0");
        await tree.RecordAsync("ana", "request again", command: "nix-env -iA nixpkgs.package0");
        var fold = await tree.AskAsync<FoldReport>(new FoldPreferences("ana"));
        fold.Interactions.Should().Be(Burst + 5, "the fold applies the buffer before it reads the interactions");
    }

    [Fact]
    public async Task With_interval_zero_every_lone_event_is_committed_at_once_as_before()
    {
        await using var tree = StartTree(TimeSpan.Zero);
        await StatusAsync(tree, "ana");

        // A record may journal two events (an interaction, then flow starting), each committed when it is handled
        // alone; what matters is that every record is committed without a query although the last commit was just now.
        long committed = 0;
        var sawTimer = false;
        for (var i = 1; i <= 5; i++)
        {
            await tree.RecordAsync("ana", $"request {i}", command: "nixos-rebuild switch");
            var previous = committed;
            await Eventually.HoldsAsync(async () =>
            {
                var state = await InspectAsync(tree, "ana");
                sawTimer |= state.TimerActive;
                state.Pending.Should().Be(0);
                state.Batches.Should().BeGreaterThan(previous, "each event is committed when the mailbox drains");
                state.TimerActive.Should().BeFalse();
                committed = state.Batches;
            });
        }

        sawTimer.Should().BeFalse("with interval 0 no commit is ever deferred to a timer");
        committed.Should().BeLessThanOrEqualTo((await tree.StatusAsync("ana")).SequenceNr);

        (await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("ana"))).Tables["interactions"].Should().Be(5);
    }

    [Fact]
    public async Task A_lone_event_is_committed_at_once_and_the_next_one_within_the_interval_when_its_timer_fires()
    {
        // A long interval, so the second record lands inside it even on a heavily loaded machine.
        await using var tree = StartTree(TimeSpan.FromSeconds(8));
        await StatusAsync(tree, "ana");

        await tree.RecordAsync("ana", "request 1", command: "nixos-rebuild switch");
        await Eventually.HoldsAsync(async () =>
        {
            var state = await InspectAsync(tree, "ana");
            state.Pending.Should().Be(0, "the first event after a quiet spell is committed when the mailbox drains");
            state.Batches.Should().Be(1);
        });

        await tree.RecordAsync("ana", "request 2", command: "nixos-rebuild switch");
        // Well within the interval, and long enough for a commit on drain to have happened.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var waiting = await InspectAsync(tree, "ana");
        await Eventually.HoldsAsync(async () =>
        {
            // No request: only the timer commits it.
            var state = await InspectAsync(tree, "ana");
            state.Pending.Should().Be(0);
            state.Batches.Should().Be(2);
            state.TimerActive.Should().BeFalse();
        }, within: TimeSpan.FromSeconds(30));

        waiting.Batches.Should().Be(1);
        waiting.Pending.Should().BeGreaterThan(0, "the second record came within the interval of the first commit");
        waiting.TimerActive.Should().BeTrue();
    }
}

using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Users;

public sealed class SupervisionIntegrationSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_long_session_loses_no_acknowledged_interaction_when_the_session_actor_crashes_midway()
    {
        const int total = 1000;
        var acknowledged = new List<InteractionAcknowledged>(total);
        long? uidBeforeCrash = null;
        RetryingCaller caller;
        await using (var tree = ActorTree.Start(_data.Path, o =>
                     {
                         o.SnapshotInterval = 250;
                         o.SupervisorMinBackoff = TimeSpan.FromMilliseconds(100);
                     }))
        {
            caller = new RetryingCaller(tree);
            for (var i = 0; i < total; i++)
            {
                if (i == total / 2)
                {
                    uidBeforeCrash = await tree.ActorUidAsync("maya", "session/session");
                    // A real crash: Kill makes the actor throw ActorKilledException inside its own mailbox processing.
                    tree.System.ActorSelection("/user/users/user-maya/session/session").Tell(Kill.Instance);
                }

                acknowledged.Add(await caller.RecordAsync(new RecordInteraction("maya", "long-session", $"request number {i}", $"cmd-{i}",
                    Outcome: i % 7 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success)));
            }

            var uidAfterCrash = await tree.ActorUidAsync("maya", "session/session");
            uidAfterCrash.Should().NotBeNull().And.NotBe(uidBeforeCrash, "the session actor was restarted by its supervisor");
        }

        await using var restarted = ActorTree.Start(_data.Path);
        var journal = await restarted.JournalEventsAsync("maya");
        var journaledIds = journal.OfType<InteractionRecorded>().Select(e => e.InteractionId).ToHashSet();
        var status = await restarted.StatusAsync("maya");

        acknowledged.Should().HaveCount(total);
        acknowledged.Select(a => a.InteractionId).Should().OnlyContain(id => journaledIds.Contains(id), "every acknowledged interaction is durable");
        acknowledged.Select(a => a.SequenceNr).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        status.Interactions.Should().BeInRange(total, total + caller.Unanswered, "only unacknowledged retries can add more");
    }

    [Fact]
    public async Task A_crashed_projection_owner_is_restarted_and_keeps_receiving_events()
    {
        await using var tree = ActorTree.Start(_data.Path, o => o.SupervisorMinBackoff = TimeSpan.FromMilliseconds(50));
        await tree.RecordAsync("sarah", "first");
        var before = (await tree.ActorAsync("sarah", "memory/memory"))!;

        before.Tell(Kill.Instance);
        await before.TerminatedAsync();
        var ack = await tree.RecordAsync("sarah", "second");

        // No event says "the projection reached N" (the restarted owner catches up from the journal on its own):
        // this is the one place here that polls, on a condition and with a generous deadline.
        await Eventually.HoldsAsync(async () =>
            (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("sarah"))).LastSequenceNr.Should().Be(ack.SequenceNr));
        (await tree.ActorUidAsync("sarah", "memory/memory")).Should().NotBeNull().And.NotBe(before.Path.Uid, "the memory actor was restarted by its supervisor");
    }

    /// <summary>A caller that retries a command until it is acknowledged, counting the attempts that were not.</summary>
    private sealed class RetryingCaller(ActorTree tree)
    {
        /// <summary>Asks that timed out: the journal may or may not hold them.</summary>
        public int Unanswered { get; private set; }

        /// <summary>Asks answered with <see cref="TemporarilyUnavailable"/> while the session was down.</summary>
        public int Unavailable { get; private set; }

        public async Task<InteractionAcknowledged> RecordAsync(RecordInteraction command)
        {
            while (true)
            {
                object reply;
                try
                {
                    reply = await tree.AskAsync(command, TimeSpan.FromSeconds(3));
                }
                catch (AskTimeoutException)
                {
                    // Not acknowledged: the caller may retry; the journal may or may not hold it.
                    Unanswered++;
                    continue;
                }

                if (reply is TemporarilyUnavailable)
                {
                    // Retry at once: each answer is an event, and the supervisor restarts the session on its own.
                    Unavailable++;
                    continue;
                }

                return reply.Should().BeOfType<InteractionAcknowledged>().Subject;
            }
        }
    }
}

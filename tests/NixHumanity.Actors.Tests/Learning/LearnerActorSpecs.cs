using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// The learner actor alone: its journal a list (<see cref="ListJournalSource"/>), a probe as its memory actor, the
/// fold timer on virtual time. The full tree is in <see cref="LearnerTreeIntegrationSpecs"/>.
/// </summary>
public sealed class LearnerActorSpecs : TestKit
{
    private static readonly DateTimeOffset Morning = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FoldInterval = TimeSpan.FromSeconds(30);

    private readonly TempDataDirectory _data = new();
    private readonly ListJournalSource _journal = new();
    private readonly TestProbe _memory;

    public LearnerActorSpecs()
        : base(SpecConfig.Hocon)
    {
        _memory = CreateTestProbe();
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _data.Dispose();
    }

    private static InteractionRecorded Recorded(string command, int minute) => new(
        $"i-{minute}", "ann", "s1", $"request {minute}", command, null, null, InteractionOutcome.Success, null, null, null, 0.5, Morning.AddMinutes(minute));

    private IActorRef Start() => Sys.ActorOf(LearnerActor.Props(
        "ann", _data.Path, FoldInterval, new ProjectionOptions(), new ManualClock(Morning.AddHours(1)), _memory.Ref, _journal));

    private AnalyticsCounts Counts(IActorRef learner)
    {
        learner.Tell(new GetAnalyticsCounts("ann"), TestActor);
        return ExpectMsg<AnalyticsCounts>();
    }

    [Fact]
    public void Catch_up_and_live_events_reach_the_analytics_store_and_a_gap_is_read_from_the_journal()
    {
        _journal.Append(Recorded("nixos-rebuild switch", 0), Recorded("nix search vim", 1));
        var learner = Start();
        Counts(learner).Checkpoint.Should().Be(2);
        var live = _journal.Append(Recorded("nix search vim", 2), Recorded("nixos-rebuild switch", 3), Recorded("nix search vim", 4));

        learner.Tell(new SessionEventPublished("ann", live[0].SequenceNr, live[0].Event));
        learner.Tell(new SessionEventPublished("ann", live[2].SequenceNr, live[2].Event));

        var counts = Counts(learner);
        counts.Checkpoint.Should().Be(5);
        counts.Tables["interactions"].Should().Be(5, "the event after the gap and the missed one come from the journal, once each");
        _journal.Starts.Select(s => s.After).Should().Equal(0, 3);
    }

    [Fact]
    public void The_fold_timer_asks_the_memory_for_embeddings_writes_a_fragment_and_tells_the_memory_the_preferences()
    {
        _journal.Append(Recorded("nixos-rebuild switch", 0), Recorded("nix search vim", 1), Recorded("nixos-rebuild switch", 2));
        var learner = Start();
        Counts(learner).Fragments.Should().Be(0);
        using var embedder = new HashedNGramEmbedder();

        Scheduler.Advance(FoldInterval);

        _memory.ExpectMsg<GetCommandEmbeddings>();
        _memory.Reply(new CommandEmbeddings("ann", embedder.Id, 1,
            [new CommandEmbedding("cmd-1", "nixos-rebuild switch", embedder.Embed("rebuild the system"), 2, 2, 1.0, null)]));
        _memory.ExpectMsg<UpdatePreferences>().Direction.Should().HaveCount(384);
        _memory.ExpectMsg<WarmSuggestions>().LikelyNextTexts.Should().NotBeEmpty();
        var counts = Counts(learner);
        counts.Fragments.Should().Be(1);
        counts.FoldedThrough.Should().Be(3);
    }

    [Fact]
    public void A_fold_with_nothing_new_writes_nothing_and_bad_input_is_rejected_with_the_field()
    {
        var learner = Start();

        learner.Tell(new FoldPreferences("ann"), TestActor);
        ExpectMsg<FoldReport>().Written.Should().BeFalse();
        learner.Tell(new SuggestNextCommands("ann", 0), TestActor);
        ExpectMsg<CommandRejected>().Field.Should().Be("limit");
        learner.Tell(new RunAnalyticsQuery("ann", "nonsense"), TestActor);
        ExpectMsg<CommandRejected>().Field.Should().Be("query");
    }

    [Fact]
    public void An_unreadable_analytics_file_is_set_aside_and_rebuilt_from_the_journal()
    {
        _journal.Append(Recorded("nixos-rebuild switch", 0), Recorded("nix search vim", 1));
        var analytics = Path.Combine(_data.Path, AnalyticsStore.FileName);
        File.WriteAllBytes(analytics, Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7)).ToArray());

        var learner = Start();

        var counts = Counts(learner);
        counts.Checkpoint.Should().Be(2);
        counts.Tables["interactions"].Should().Be(2);
        File.Exists(analytics + ".unreadable-20260302T090000000").Should().BeTrue();
    }
}

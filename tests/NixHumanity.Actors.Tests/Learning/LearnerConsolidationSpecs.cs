using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>The learner consolidates its aged fragments by itself after its folds, on its own clock.</summary>
public sealed class LearnerConsolidationSpecs : TestKit
{
    private static readonly DateTimeOffset Ten = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDataDirectory _data = new();
    private readonly ListJournalSource _journal = new();
    private readonly ManualClock _clock = new(Ten);
    private readonly TestProbe _memory;

    public LearnerConsolidationSpecs()
        : base(SpecConfig.Hocon)
    {
        _memory = CreateTestProbe();
        // What the learner tells the memory after a fold is not the subject here.
        _memory.IgnoreMessages(m => m is UpdatePreferences or WarmSuggestions);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _data.Dispose();
    }

    private IActorRef Start() => Sys.ActorOf(LearnerActor.Props(
        "ann", _data.Path, TimeSpan.FromHours(1), new ProjectionOptions(), _clock, _memory.Ref, _journal));

    /// <summary>Records one interaction at the clock's time and folds it (the memory answers without embeddings).</summary>
    private FoldReport RecordAndFold(IActorRef learner, int n)
    {
        var entry = _journal.Append(new InteractionRecorded($"i-{n}", "ann", "s1", $"request {n}", "nix search vim", null, null,
            InteractionOutcome.Success, null, null, null, 0.5, _clock.GetUtcNow()))[0];
        learner.Tell(new SessionEventPublished("ann", entry.SequenceNr, entry.Event));
        learner.Tell(new FoldPreferences("ann"), TestActor);
        _memory.ExpectMsg<GetCommandEmbeddings>();
        _memory.Reply("no embeddings now");
        return ExpectMsg<FoldReport>();
    }

    private int Fragments(IActorRef learner)
    {
        learner.Tell(new GetAnalyticsCounts("ann"), TestActor);
        return ExpectMsg<AnalyticsCounts>().Fragments;
    }

    private Preferences PreferencesAt(IActorRef learner, DateTimeOffset at)
    {
        learner.Tell(new GetPreferences("ann", at.ToString("O")), TestActor);
        return ExpectMsg<Preferences>();
    }

    [Fact]
    public void Folds_of_an_hour_that_has_aged_are_merged_after_a_later_fold_and_the_latest_read_is_unchanged()
    {
        var learner = Start();
        for (var i = 0; i < 3; i++)
        {
            _clock.Now = Ten.AddSeconds(30 * i);
            RecordAndFold(learner, i).Written.Should().BeTrue();
        }

        Fragments(learner).Should().Be(3, "the slot 10:00–10:10 is not over");
        var endOfHour = PreferencesAt(learner, Ten.AddMinutes(59));

        _clock.Now = Ten.AddHours(1).AddMinutes(15);
        RecordAndFold(learner, 3).Written.Should().BeTrue();

        Fragments(learner).Should().Be(2, "the hour 10:00–11:00 ended more than ten minutes ago: its three folds are one fragment");
        PreferencesAt(learner, Ten.AddMinutes(59)).Cells.Should().Equal(endOfHour.Cells, "a read after the merged hour does not change");
    }

    [Fact]
    public void An_idle_learner_still_merges_its_aged_folds_when_their_hour_has_aged()
    {
        var learner = Start();
        for (var i = 0; i < 3; i++)
        {
            _clock.Now = Ten.AddSeconds(30 * i);
            RecordAndFold(learner, i).Written.Should().BeTrue();
        }

        var endOfHour = PreferencesAt(learner, Ten.AddMinutes(59));
        _clock.Now = Ten.AddHours(1).AddMinutes(15);

        // Nothing new: the fold folds nothing and asks nobody, but the policy's next look is due.
        learner.Tell(new FoldPreferences("ann"), TestActor);
        ExpectMsg<FoldReport>().Written.Should().BeFalse();
        Fragments(learner).Should().Be(1, "the hour 10:00–11:00 ended more than ten minutes ago: its three folds are one fragment");
        PreferencesAt(learner, Ten.AddMinutes(59)).Cells.Should().Equal(endOfHour.Cells, "a read after the merged hour does not change");
        _memory.HasMessages.Should().BeFalse("the memory is asked only when something is folded");
    }
}

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

    private IActorRef Start(TimeProvider? clock = null) => Sys.ActorOf(LearnerActor.Props(
        "ann", _data.Path, FoldInterval, new ProjectionOptions(), clock ?? new ManualClock(Morning.AddHours(1)), _memory.Ref, _journal));

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

        _memory.ExpectMsg<GetCommandEmbeddings>().Through.Should().Be(3, "the fold's direction needs the commands up to its last interaction");
        _memory.Reply(new CommandEmbeddings("ann", embedder.Id, 1,
            [new CommandEmbedding("cmd-1", "nixos-rebuild switch", embedder.Embed("rebuild the system"), 2, 2, 1.0, null)], AppliedThrough: 3));
        _memory.ExpectMsg<UpdatePreferences>().Direction.Should().HaveCount(384);
        _memory.ExpectMsg<WarmSuggestions>().LikelyNextTexts.Should().NotBeEmpty();
        var counts = Counts(learner);
        counts.Fragments.Should().Be(1);
        counts.FoldedThrough.Should().Be(3);
    }

    /// <summary>Answers the fold's request as a memory that has applied up to <paramref name="through"/>.</summary>
    private void AnswerEmbeddings(long through, params string[] commands)
    {
        using var embedder = new HashedNGramEmbedder();
        _memory.ExpectMsg<GetCommandEmbeddings>();
        _memory.Reply(new CommandEmbeddings("ann", embedder.Id, through,
            commands.Select((c, i) => new CommandEmbedding($"cmd-{i}", c, embedder.Embed(c), 1, 1, 1.0, null)).ToList(), AppliedThrough: through));
        _memory.ExpectMsg<UpdatePreferences>();
    }

    [Fact]
    public void Fold_ticks_with_nothing_new_do_no_store_work_and_new_events_are_folded_as_before()
    {
        // Which requests the learner warms is not the subject here.
        _memory.IgnoreMessages(m => m is WarmSuggestions);
        _journal.Append(Recorded("nixos-rebuild switch", 0), Recorded("nix search vim", 1));
        var learner = Start();
        // Caught up, so the fold timer runs.
        Counts(learner).Checkpoint.Should().Be(2);
        Scheduler.Advance(FoldInterval);
        AnswerEmbeddings(2, "nixos-rebuild switch", "nix search vim");
        Counts(learner).FoldedThrough.Should().Be(2);
        // The store's checkpoint after a quiet period (once, after events were applied) is not the subject: let it pass.
        Scheduler.Advance(new ProjectionOptions().CheckpointWhenIdleFor);
        // What a counts request costs by itself (it reads the watermark and the row counts).
        var first = Counts(learner).StoreStatements;
        var perRequest = Counts(learner).StoreStatements - first;
        var before = Counts(learner).StoreStatements;

        for (var tick = 0; tick < 20; tick++)
        {
            Scheduler.Advance(FoldInterval);
        }

        var idle = Counts(learner);
        (idle.StoreStatements - before).Should().Be(perRequest, "twenty fold ticks with nothing new ran no statement on the stores");
        idle.Fragments.Should().Be(1);
        _memory.HasMessages.Should().BeFalse("nothing new was folded, so the memory was not asked");

        var live = _journal.Append(Recorded("nix search vim", 2));
        learner.Tell(new SessionEventPublished("ann", live[0].SequenceNr, live[0].Event));
        Scheduler.Advance(FoldInterval);
        AnswerEmbeddings(3, "nixos-rebuild switch", "nix search vim");
        var folded = Counts(learner);
        folded.FoldedThrough.Should().Be(3, "a tick after a new event folds it");
        folded.Fragments.Should().Be(2);
    }

    [Fact]
    public void A_status_asked_while_a_fold_waits_for_the_memory_is_answered_at_once_and_counts_the_events_applied_meanwhile()
    {
        _journal.Append(Recorded("nixos-rebuild switch", 0), Recorded("nix search vim", 1));
        var learner = Start();
        learner.Tell(new FoldPreferences("ann"), TestActor);
        _memory.ExpectMsg<GetCommandEmbeddings>();
        var live = _journal.Append(Recorded("htop", 2));
        learner.Tell(new SessionEventPublished("ann", live[0].SequenceNr, live[0].Event));

        // The memory has not answered: the fold still waits (docs/adr/0052: a status reads no fold).
        learner.Tell(new GetLearnerStatus("ann"), TestActor);

        ExpectMsg<ProjectionStatus>().LastSequenceNr.Should().Be(3, "the event published before the status was applied during the fold");
        _memory.Reply(new TemporarilyUnavailable("ann", "memory"));
        ExpectMsg<FoldReport>().ToSeq.Should().Be(2, "the fold goes on after the status");
    }

    [Fact]
    public void A_requested_fold_waits_for_the_memorys_answer_however_long_its_model_takes_and_writes_the_direction()
    {
        _journal.Append(Recorded("nixos-rebuild switch", 0), Recorded("nix search vim", 1));
        var learner = Start();
        learner.Tell(new FoldPreferences("ann"), TestActor);
        _memory.ExpectMsg<GetCommandEmbeddings>().LoadModel.Should().BeTrue("someone waits for this fold: the memory may load its model");

        // The memory loads its model on a busy machine: an hour passes (fold ticks included) before it answers. The
        // learner waits for the answer, not for a clock, and answers status meanwhile.
        Scheduler.Advance(TimeSpan.FromHours(1));
        learner.Tell(new GetLearnerStatus("ann"), TestActor);
        ExpectMsg<ProjectionStatus>().LastSequenceNr.Should().Be(2);
        using var embedder = new HashedNGramEmbedder();
        _memory.Reply(new CommandEmbeddings("ann", embedder.Id, 2,
            new[] { "nixos-rebuild switch", "nix search vim" }.Select((c, i) => new CommandEmbedding($"cmd-{i}", c, embedder.Embed(c), 1, 1, 1.0, null)).ToList(),
            AppliedThrough: 2));

        var report = ExpectMsg<FoldReport>();
        report.DirectionFromMemory.Should().BeTrue("the fold waited for the memory's answer");
        report.ToSeq.Should().Be(2);
        _memory.ExpectMsg<UpdatePreferences>().Direction.Should().HaveCount(384);
    }

    [Fact]
    public void A_memory_ahead_of_the_fold_is_matched_by_folding_up_to_where_the_memory_is()
    {
        _journal.Append(Recorded("nixos-rebuild switch", 0), Recorded("nix search vim", 1));
        var learner = Start();
        learner.Tell(new FoldPreferences("ann"), TestActor);
        _memory.ExpectMsg<GetCommandEmbeddings>().Through.Should().Be(2);

        // A record arrives while the memory answers; the memory has applied it already.
        var live = _journal.Append(Recorded("htop", 2));
        learner.Tell(new SessionEventPublished("ann", live[0].SequenceNr, live[0].Event));
        using var embedder = new HashedNGramEmbedder();
        _memory.Reply(new CommandEmbeddings("ann", embedder.Id, 3,
            new[] { "nixos-rebuild switch", "nix search vim", "htop" }.Select((c, i) => new CommandEmbedding($"cmd-{i}", c, embedder.Embed(c), 1, 1, 1.0, null)).ToList(),
            AppliedThrough: 3));

        var report = ExpectMsg<FoldReport>();
        report.DirectionFromMemory.Should().BeTrue();
        report.ToSeq.Should().Be(3, "the direction holds htop, so the fold takes its interaction too");
        report.Interactions.Should().Be(3);
    }

    [Fact]
    public void A_memory_behind_the_fold_gives_no_direction_rather_than_a_late_one()
    {
        _journal.Append(Recorded("nixos-rebuild switch", 0), Recorded("nix search vim", 1));
        var learner = Start();
        learner.Tell(new FoldPreferences("ann"), TestActor);
        _memory.ExpectMsg<GetCommandEmbeddings>();
        using var embedder = new HashedNGramEmbedder();
        _memory.Reply(new CommandEmbeddings("ann", embedder.Id, 1,
            [new CommandEmbedding("cmd-0", "nixos-rebuild switch", embedder.Embed("nixos-rebuild switch"), 1, 1, 1.0, null)], AppliedThrough: 1));

        var report = ExpectMsg<FoldReport>();
        report.Written.Should().BeTrue("the behaviour features are folded");
        report.DirectionFromMemory.Should().BeFalse("the memory had not applied the fold's last command");
    }

    private FoldReport RecordAndFold(IActorRef learner, int minute, object memoryAnswer)
    {
        var entry = _journal.Append(Recorded($"command {minute}", minute))[0];
        learner.Tell(new SessionEventPublished("ann", entry.SequenceNr, entry.Event));
        learner.Tell(new FoldPreferences("ann"), TestActor);
        _memory.ExpectMsg<GetCommandEmbeddings>();
        _memory.Reply(memoryAnswer);
        return ExpectMsg<FoldReport>();
    }

    private static CommandEmbeddings Embeddings(long through, string text)
    {
        using var embedder = new HashedNGramEmbedder();
        return new CommandEmbeddings("ann", embedder.Id, through, [new CommandEmbedding("cmd-x", "x", embedder.Embed(text), 1, 1, 1.0, null)], through);
    }

    private IReadOnlyList<PreferenceCell> DirectionAt(IActorRef learner, DateTimeOffset at)
    {
        learner.Tell(new GetPreferences("ann", at.ToString("O"), "0..383"), TestActor);
        return ExpectMsg<Preferences>().Cells;
    }

    [Fact]
    public void A_rebuild_writes_the_memorys_direction_at_the_latest_fold_never_at_an_earlier_folds_stamp()
    {
        _memory.IgnoreMessages(m => m is UpdatePreferences or WarmSuggestions);
        var clock = new ManualClock(Morning.AddHours(1));
        var learner = Start(clock);
        var first = RecordAndFold(learner, 0, Embeddings(1, "first"));
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = RecordAndFold(learner, 1, Embeddings(2, "second"));
        clock.Advance(TimeSpan.FromMinutes(1));
        // The memory does not answer in time: this fold writes the behaviour features only.
        var third = RecordAndFold(learner, 2, "no answer");
        first.DirectionFromMemory.Should().BeTrue();
        second.DirectionFromMemory.Should().BeTrue();
        third.DirectionFromMemory.Should().BeFalse();
        Watch(learner);
        Sys.Stop(learner);
        ExpectTerminated(learner);

        // A fold log from before directions were logged, and the newest fragment lost.
        using (var analytics = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(_data.Path, AnalyticsStore.FileName)}"))
        {
            analytics.Open();
            using var forget = analytics.CreateCommand();
            forget.CommandText = "UPDATE folds SET direction = NULL";
            forget.ExecuteNonQuery().Should().Be(3);
        }

        var fragments = Path.Combine(_data.Path, Actors.Learning.Tensor.ParquetTensorStore.FragmentsFolderName);
        File.Delete(Directory.GetFiles(fragments, "f-*.parquet").Order(StringComparer.Ordinal).Last());

        var restarted = Start(clock);
        _memory.ExpectMsg<GetCommandEmbeddings>().Through.Should().Be(3, "the answer must hold the latest fold's commands");
        var now = Embeddings(3, "now");
        _memory.Reply(now);

        DirectionAt(restarted, second.Stamp!.Value).Should().BeEmpty("the second fold's direction is in no log, and the memory's answer holds later commands");
        DirectionAt(restarted, third.Stamp!.Value).Select(c => c.Value).Should().Equal(now.Commands[0].Vector, "written at the latest fold's stamp");
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

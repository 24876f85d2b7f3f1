using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// An embedder that fails on every call (docs/adr/0057): after a few failures in a row the memory answers what needs
/// the embedder at once, unavailable, naming it and its last error, instead of letting searches and the learner's
/// fold wait for it; records keep being journaled and are caught up, each once, when a retry succeeds. And a
/// background re-embedding reads the journal at its chunks' pace instead of holding all of it.
/// </summary>
public sealed class MemoryEmbedderBreakerSpecs : TestKit
{
    private static readonly DateTimeOffset Morning = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDataDirectory _data = new();
    private readonly GatedCountingEmbedder _model = new();

    public MemoryEmbedderBreakerSpecs()
        : base("nixh.embedding-dispatcher { type = PinnedDispatcher }\n" + SpecConfig.Hocon)
    {
    }

    protected override void Dispose(bool disposing)
    {
        _model.Release();
        base.Dispose(disposing);
        _model.Dispose();
        _data.Dispose();
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private static InteractionRecorded Recorded(string text, string command) => new(
        $"i-{text}", "ann", "s1", text, command, null, null, InteractionOutcome.Success, null, null, null, 0.5, Morning);

    private string Folder => Directory.CreateDirectory(Path.Combine(_data.Path, "ann")).FullName;

    /// <summary>The memory's status, asked by a probe of its own (a late answer never reaches a later question).</summary>
    private ProjectionStatus Status(IActorRef memory)
    {
        var probe = CreateTestProbe();
        memory.Tell(new GetMemoryStatus("ann"), probe);
        return probe.ExpectMsg<ProjectionStatus>();
    }

    private static void Publish(IActorRef memory, ListJournalSource journal, params (string Text, string Command)[] interactions)
    {
        foreach (var published in journal.Append(interactions.Select(i => (ISessionEvent)Recorded(i.Text, i.Command)).ToArray()))
        {
            memory.Tell(new SessionEventPublished("ann", published.SequenceNr, published.Event));
        }
    }

    [Fact]
    public void Searches_and_the_learners_fold_are_answered_unavailable_at_once_while_the_embedder_keeps_failing_and_every_record_is_caught_up_when_it_answers()
    {
        // Live batches of 2, catch-up batches of 4, behind after 4 queued or held: the memory falls behind while the
        // embedder fails and reads the journal, held back behind the failing batch (the catch-up path of the breaker).
        var options = new ProjectionOptions { ReplayBatchSize = 2, CatchUpBatchSize = 4, MaxLiveLag = 4 };
        var settings = new MemorySettings(_model, new MemoryOptions { SharedEmbedding = true, UnavailableAfterEmbedderFailures = 3 });
        var journal = new ListJournalSource();
        var memory = Sys.ActorOf(MemoryActor.Props("ann", Folder, settings, options, new ManualClock(Morning), journal));
        Status(memory).LastSequenceNr.Should().Be(0);
        _model.FailNext(int.MaxValue);

        Publish(memory, journal, ("install firefox", "nix-env -iA nixpkgs.firefox"));
        var waitingSearch = CreateTestProbe();
        memory.Tell(new SearchMemory("ann", "firefox", 5), waitingSearch);
        Publish(memory, journal, Enumerable.Range(0, 20).Select(i => ($"install package {i}", $"nix-env -iA nixpkgs.p{i}")).ToArray());
        // Kept by the catch-up the memory started when it fell behind: a requested fold waits for the embedder there.
        var waitingFold = CreateTestProbe();
        memory.Tell(new GetCommandEmbeddings("ann", 21, LoadModel: true), waitingFold);

        // The retries wait on the virtual scheduler (0.1 s, 0.2 s, ...): the third failure opens the breaker.
        AwaitAssert(
            () =>
            {
                Scheduler.Advance(TimeSpan.FromMilliseconds(100));
                _model.Calls.Should().BeGreaterThanOrEqualTo(3);
            },
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(50));

        var answered = waitingSearch.ExpectMsg<TemporarilyUnavailable>(TimeSpan.FromSeconds(30), "the search that waited for the failing batch is answered when the breaker opens");
        answered.Component.Should().Be("memory");
        answered.Reason.Should().Contain(_model.Id).And.Contain("the model failed (spec)");
        waitingFold.ExpectMsg<TemporarilyUnavailable>(TimeSpan.FromSeconds(30)).Reason.Should().Contain(_model.Id);

        // From now on, without any time passing: answered at once.
        memory.Tell(new SearchMemory("ann", "install package 3", 5), TestActor);
        ExpectMsg<TemporarilyUnavailable>().Reason.Should().Contain("the model failed (spec)");
        memory.Tell(new GetCommandEmbeddings("ann", 21, LoadModel: true), TestActor);
        // The learner's fold is answered at once and writes its behaviour features without a direction.
        ExpectMsg<TemporarilyUnavailable>().Component.Should().Be("memory");
        Status(memory).LastSequenceNr.Should().Be(0, "nothing was applied; the journal has every record");
        Publish(memory, journal, ("install vlc", "nix-env -iA nixpkgs.vlc"));
        memory.Tell(new SearchMemory("ann", "vlc", 5), TestActor);
        ExpectMsg<TemporarilyUnavailable>();

        // The embedder comes back: the next retry (at most 10 s away) succeeds and closes the breaker.
        _model.FailNext(0);
        AwaitAssert(
            () =>
            {
                Scheduler.Advance(TimeSpan.FromSeconds(1));
                var status = Status(memory);
                status.LastSequenceNr.Should().Be(22);
                status.Rows.Should().Be(22);
            },
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(100));

        Status(memory).EventsApplied.Should().Be(22, "each record is applied once");
        memory.Tell(new SearchMemory("ann", "vlc", 5), TestActor);
        ExpectMsg<MemorySearched>().Results[0].Command.Should().Be("nix-env -iA nixpkgs.vlc");
        memory.Tell(new GetHeldEventsPeak("ann"), TestActor);
        ExpectMsg<HeldEventsPeak>().Events.Should().BeLessThanOrEqualTo(
            options.MaxLiveLag + options.ReplayBatchSize + 2 * options.CatchUpBatchSize, "the records journaled meanwhile stayed in the journal");
    }

    [Fact]
    public void A_background_re_embedding_reads_the_journal_at_its_chunks_pace_holding_about_two_catch_up_batches()
    {
        var options = new ProjectionOptions { ReplayBatchSize = 2, CatchUpBatchSize = 4 };
        var journal = new ListJournalSource();
        const int Records = 200;
        journal.Append(Enumerable.Range(0, Records).Select(i => (ISessionEvent)Recorded($"install package {i}", $"nix-env -iA nixpkgs.p{i}")).ToArray());
        var first = Sys.ActorOf(MemoryActor.Props("ann", Folder, new MemorySettings(_model, new MemoryOptions()), options, new ManualClock(Morning), journal));
        Status(first).Rows.Should().Be(Records);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        using var renamed = new RenamedEmbedder("ngram-renamed");
        var memory = Sys.ActorOf(MemoryActor.Props("ann", Folder, new MemorySettings(renamed, new MemoryOptions()), options, new ManualClock(Morning), journal));

        var marker = Path.Combine(Folder, MemoryActor.ReembeddingMarkerFileName);
        AwaitAssert(
            () =>
            {
                var status = Status(memory);
                status.Rows.Should().Be(Records);
                status.EmbedderId.Should().Be("ngram-renamed");
                File.Exists(marker).Should().BeFalse();
            },
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(100));
        Status(memory).EventsApplied.Should().Be(Records, "each record is re-embedded once");
        memory.Tell(new GetHeldEventsPeak("ann"), TestActor);
        ExpectMsg<HeldEventsPeak>().Events.Should().BeLessThanOrEqualTo(
            options.ReplayBatchSize + 2 * options.CatchUpBatchSize, "the re-embedding reads the next batch only while at most one is held");
        memory.Tell(new SearchMemory("ann", "install package 199", 5), TestActor);
        ExpectMsg<MemorySearched>().Results.Should().Contain(r => r.Command == "nix-env -iA nixpkgs.p199");
    }
}

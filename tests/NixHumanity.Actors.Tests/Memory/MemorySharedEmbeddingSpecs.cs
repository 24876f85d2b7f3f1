using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// Memories embedding their live events through the system's shared embedding service: one model call for many
/// memories, events held unapplied (checkpoint unmoved) while their vectors are computed, requests answered meanwhile,
/// a memory stopped mid-batch replaying it, a failed call asked again.
/// </summary>
public sealed class MemorySharedEmbeddingSpecs : TestKit
{
    private static readonly DateTimeOffset Morning = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDataDirectory _data = new();
    private readonly GatedCountingEmbedder _model = new();
    private readonly HashedNGramEmbedder _reference = new();
    private readonly MemorySettings _settings;

    public MemorySharedEmbeddingSpecs()
        : base("nixh.embedding-dispatcher { type = PinnedDispatcher }\n" + SpecConfig.Hocon)
    {
        _settings = new MemorySettings(_model, new MemoryOptions { SharedEmbedding = true });
    }

    protected override void Dispose(bool disposing)
    {
        _model.Release();
        base.Dispose(disposing);
        _model.Dispose();
        _reference.Dispose();
        _data.Dispose();
    }

    private static InteractionRecorded Recorded(string user, string text, string command) => new(
        $"i-{user}-{text}", user, "s1", text, command, null, null, InteractionOutcome.Success, null, null, null, 0.5, Morning);

    /// <summary>
    /// The projection options of these specs: live events applied as soon as the mailbox has drained of them (no
    /// live-apply window). The specs start the model call by publishing events without a request, and the memory asks
    /// its embedder only when it applies them; a window's timer runs on the virtual scheduler, which nothing advances
    /// here, so the call would never start (docs/adr/0055).
    /// </summary>
    private static ProjectionOptions AppliedAtOnce() => new() { LiveApplyWindow = TimeSpan.Zero };

    private IActorRef Start(string user, ListJournalSource journal)
    {
        var memory = Sys.ActorOf(MemoryActor.Props(
            user, Directory.CreateDirectory(Path.Combine(_data.Path, user)).FullName, _settings, AppliedAtOnce(), new ManualClock(Morning), journal));
        Status(memory, user);
        return memory;
    }

    private ProjectionStatus Status(IActorRef memory, string user)
    {
        memory.Tell(new GetMemoryStatus(user), TestActor);
        return ExpectMsg<ProjectionStatus>();
    }

    private static void Publish(IActorRef memory, ListJournalSource journal, string user, params (string Text, string Command)[] interactions)
    {
        foreach (var published in journal.Append(interactions.Select(i => (ISessionEvent)Recorded(user, i.Text, i.Command)).ToArray()))
        {
            memory.Tell(new SessionEventPublished(user, published.SequenceNr, published.Event));
        }
    }

    [Fact]
    public async Task Many_memories_recording_while_the_model_runs_are_embedded_in_one_call_and_requests_are_answered_meanwhile()
    {
        var users = new[] { "ann", "bob", "cid", "dee", "eve" };
        var journals = users.ToDictionary(u => u, _ => new ListJournalSource());
        var memories = users.ToDictionary(u => u, u => Start(u, journals[u]));
        var fayJournal = new ListJournalSource();
        fayJournal.Append(Recorded("fay", "play some music", "nix-shell -p mpv"));
        var fay = Start("fay", fayJournal);
        _model.HoldNextCall();
        Publish(memories["ann"], journals["ann"], "ann", ("install firefox", "nix-env -iA nixpkgs.firefox"));
        await _model.HeldCallStarted;
        var annSearch = CreateTestProbe();
        var annStatus = CreateTestProbe();
        memories["ann"].Tell(new SearchMemory("ann", "install firefox", 5), annSearch);
        memories["ann"].Tell(new GetMemoryStatus("ann"), annStatus);

        foreach (var user in users.Skip(1))
        {
            Publish(memories[user], journals[user], user, ($"install vlc for {user}", "nix-env -iA nixpkgs.vlc"), ($"my wifi is broken says {user}", "systemctl restart NetworkManager"));
            // Asking makes the memory take in the published events first (and send them); it is answered after its batch.
            memories[user].Tell(new GetMemoryStatus(user), TestActor);
        }

        // While the service's thread is in the model call, a memory with nothing to embed answers at once.
        fay.Tell(new SearchMemory("fay", "music", 5), TestActor);
        ExpectMsg<MemorySearched>().Results[0].Command.Should().Be("nix-shell -p mpv");
        Status(fay, "fay").Rows.Should().Be(1);

        // Each memory sends its batch from its own turn on the default dispatcher, and their replies wait for the batch,
        // so nothing above says the four batches have reached the service. Released before a busy machine had run one
        // of them, the model embedded the other three (6 texts) and that one (2) in a call of its own. The service's
        // thread is in the held call, so its mailbox holds exactly the requests sent meanwhile: release once all four are there.
        var service = (ActorRefWithCell)EmbeddingService.Get(Sys).For(_model);
        AwaitCondition(() => service.Underlying.NumberOfMessages == 4, TimeSpan.FromMinutes(2), "the four memories' batches wait in the service's mailbox");
        _model.Release();

        annSearch.ExpectMsg<MemorySearched>().Results.Should().Contain(r => r.Command == "nix-env -iA nixpkgs.firefox", "the search waited for its batch");
        annStatus.ExpectMsg<ProjectionStatus>().LastSequenceNr.Should().Be(1);
        foreach (var user in users.Skip(1))
        {
            var status = ExpectMsg<ProjectionStatus>();
            status.LastSequenceNr.Should().Be(2, "a request sent after the events sees them");
            status.Rows.Should().Be(2);
        }

        foreach (var user in users.Skip(1))
        {
            memories[user].Tell(new SearchMemory(user, "wifi broken", 5), TestActor);
            ExpectMsg<MemorySearched>().Results[0].Command.Should().Be("systemctl restart NetworkManager");
            memories[user].Tell(new GetCommandEmbeddings(user), TestActor);
            var stored = ExpectMsg<CommandEmbeddings>().Commands.Single(c => c.Command == "nix-env -iA nixpkgs.vlc");
            stored.Vector.Should().Equal(_reference.Embed($"install vlc for {user}"), "a batched vector equals the text's own");
        }

        // fay's catch-up embedded its journal on its own thread; then ann's call, then one call for the other four.
        _model.BatchSizes.Should().Equal([1, 1, 8], "the four memories that recorded while the model ran share one call");
    }

    [Fact]
    public async Task A_status_asked_while_more_than_a_batch_of_records_waits_for_the_embedder_is_answered_at_once_with_the_checkpoint_reached()
    {
        var journal = new ListJournalSource();
        // No live-apply window, as in AppliedAtOnce.
        var memory = Sys.ActorOf(MemoryActor.Props(
            "ann", Directory.CreateDirectory(Path.Combine(_data.Path, "ann")).FullName, _settings, new ProjectionOptions { ReplayBatchSize = 2, LiveApplyWindow = TimeSpan.Zero }, new ManualClock(Morning), journal));
        Status(memory, "ann").LastSequenceNr.Should().Be(0);
        _model.HoldNextCall();
        Publish(memory, journal, "ann", ("install firefox", "nix-env -iA nixpkgs.firefox"));
        await _model.HeldCallStarted;
        // Three more records held behind the batch in the model: four beyond the checkpoint, more than a batch of 2.
        Publish(memory, journal, "ann", ("install vlc", "nix-env -iA nixpkgs.vlc"), ("install git", "nix-env -iA nixpkgs.git"), ("install htop", "nix-env -iA nixpkgs.htop"));

        var behind = Status(memory, "ann");

        behind.LastSequenceNr.Should().Be(0, "the memory is behind its embedder: the status says where it is instead of waiting for every batch");
        _model.Release();
        memory.Tell(new SearchMemory("ann", "install htop", 5), TestActor);
        ExpectMsg<MemorySearched>().Results.Should().Contain(r => r.Command == "nix-env -iA nixpkgs.htop", "a search still waits for every record taken in before it");
        Status(memory, "ann").LastSequenceNr.Should().Be(4);
    }

    [Fact]
    public async Task A_memory_stopped_while_its_batch_is_with_the_service_replays_it_on_restart_exactly_once()
    {
        var journal = new ListJournalSource();
        var memory = Start("ann", journal);
        _model.HoldNextCall();
        Publish(memory, journal, "ann", ("install firefox", "nix-env -iA nixpkgs.firefox"), ("install vlc", "nix-env -iA nixpkgs.vlc"));
        await _model.HeldCallStarted;

        Watch(memory);
        Sys.Stop(memory);
        ExpectTerminated(memory);
        _model.Release();

        var restarted = Start("ann", journal);
        var status = Status(restarted, "ann");
        status.LastSequenceNr.Should().Be(2);
        status.Rows.Should().Be(2);
        restarted.Tell(new SearchMemory("ann", "vlc media player", 5), TestActor);
        ExpectMsg<MemorySearched>().Results.Select(r => r.Command).Should().BeEquivalentTo(["nix-env -iA nixpkgs.vlc", "nix-env -iA nixpkgs.firefox"]);
    }

    [Fact]
    public void A_failed_model_call_is_asked_again_after_a_delay_and_nothing_is_lost()
    {
        var journal = new ListJournalSource();
        var memory = Start("ann", journal);
        _model.FailNext(2);

        Publish(memory, journal, "ann", ("install firefox", "nix-env -iA nixpkgs.firefox"));
        memory.Tell(new SearchMemory("ann", "firefox", 5), TestActor);

        // The retries wait on the virtual scheduler: advance it until the third call has been made.
        var scheduler = (TestScheduler)Sys.Scheduler;
        AwaitAssert(
            () =>
            {
                scheduler.Advance(TimeSpan.FromSeconds(1));
                _model.Calls.Should().BeGreaterThanOrEqualTo(3);
            },
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(50));
        ExpectMsg<MemorySearched>().Results.Single().Command.Should().Be("nix-env -iA nixpkgs.firefox");
        var status = Status(memory, "ann");
        status.LastSequenceNr.Should().Be(1);
        status.Rows.Should().Be(1);
        _model.Calls.Should().Be(3);
    }

    [Fact]
    public async Task A_memory_behind_its_embedder_holds_at_most_about_a_batch_and_reads_the_rest_from_the_journal()
    {
        // A batch of 2 live events, 4 per catch-up read, behind after 4 queued or held: the bound is those numbers,
        // however many records wait (docs/adr/0054).
        // No live-apply window, as in AppliedAtOnce.
        var options = new ProjectionOptions { ReplayBatchSize = 2, CatchUpBatchSize = 4, MaxLiveLag = 4, LiveApplyWindow = TimeSpan.Zero };
        var journal = new ListJournalSource();
        var memory = Sys.ActorOf(MemoryActor.Props(
            "ann", Directory.CreateDirectory(Path.Combine(_data.Path, "ann")).FullName, _settings, options, new ManualClock(Morning), journal));
        Status(memory, "ann").LastSequenceNr.Should().Be(0);
        _model.HoldNextCall();
        Publish(memory, journal, "ann", ("install firefox", "nix-env -iA nixpkgs.firefox"));
        await _model.HeldCallStarted;

        // 40 more records while the embedder is busy with the first: the memory cannot write any of them meanwhile.
        Publish(memory, journal, "ann", Enumerable.Range(0, 40).Select(i => ($"install package {i}", $"nix-env -iA nixpkgs.p{i}")).ToArray());
        // Behind its embedder, the memory answers a timer's fold at once with what it has applied (the learner waits
        // for an answer, not a clock); a requested fold would wait.
        memory.Tell(new GetCommandEmbeddings("ann", 41, LoadModel: false), TestActor);
        ExpectMsg<CommandEmbeddings>().AppliedThrough.Should().Be(0);
        _model.Release();
        memory.Tell(new SearchMemory("ann", "install package 39", 5), TestActor);
        ExpectMsg<MemorySearched>().Results.Should().Contain(r => r.Command == "nix-env -iA nixpkgs.p39", "a search waits for every record taken in before it");

        var status = Status(memory, "ann");
        status.LastSequenceNr.Should().Be(41);
        status.Rows.Should().Be(41);
        status.EventsApplied.Should().Be(41, "each record is applied once");
        journal.Starts.Count.Should().BeGreaterThan(1, "the memory fell behind and read the journal again");
        memory.Tell(new GetHeldEventsPeak("ann"), TestActor);
        ExpectMsg<HeldEventsPeak>().Events.Should().BeLessThanOrEqualTo(
            options.MaxLiveLag + options.ReplayBatchSize + 2 * options.CatchUpBatchSize,
            "records held for the embedder are bounded: the catch-up reads the next batch only while at most one batch is held behind the embedder's");
    }
}

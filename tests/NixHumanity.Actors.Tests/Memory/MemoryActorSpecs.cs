using Akka.Actor;
using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The memory actor alone: its journal a list (<see cref="ListJournalSource"/>), the session and the learner played by
/// the spec, the store a real <c>memory.duckdb</c> in a temp folder. The full tree is in <see cref="MemoryTreeIntegrationSpecs"/>.
/// </summary>
public sealed class MemoryActorSpecs : TestKit
{
    private static readonly DateTimeOffset Morning = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDataDirectory _data = new();
    private readonly ListJournalSource _journal = new();
    private readonly HashedNGramEmbedder _embedder = new();

    public MemoryActorSpecs()
        : base(SpecConfig.Hocon)
    {
    }

    private string StorePath => Path.Combine(_data.Path, VectorMemoryStore.FileName);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _embedder.Dispose();
        _data.Dispose();
    }

    private static InteractionRecorded Recorded(string text, string command, int minute = 0) => new(
        $"i-{text}", "ann", "s1", text, command, null, null, InteractionOutcome.Success, null, null, null, 0.5, Morning.AddMinutes(minute));

    private IActorRef Start() => Sys.ActorOf(MemoryActor.Props(
        "ann", _data.Path, new MemorySettings(_embedder, new MemoryOptions()), new ProjectionOptions(), new ManualClock(Morning), _journal));

    private MemorySearched Search(IActorRef memory, string query, int limit = 5)
    {
        memory.Tell(new SearchMemory("ann", query, limit), TestActor);
        return ExpectMsg<MemorySearched>();
    }

    [Fact]
    public void Catch_up_remembers_the_journal_s_commands_and_a_live_event_is_found_by_the_next_search()
    {
        _journal.Append(Recorded("install firefox", "nix-env -iA nixpkgs.firefox"), new FlowStarted(0.8, Morning));
        var memory = Start();
        var live = _journal.Append(Recorded("clean the nix store", "nix-collect-garbage -d", 5)).Single();

        memory.Tell(new SessionEventPublished("ann", live.SequenceNr, live.Event));

        Search(memory, "instal firefox").Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox");
        Search(memory, "clean nix store").Results[0].Command.Should().Be("nix-collect-garbage -d");
        memory.Tell(new GetMemoryStatus("ann"), TestActor);
        var status = ExpectMsg<ProjectionStatus>();
        status.LastSequenceNr.Should().Be(3, "events without a command move the checkpoint too");
        status.Rows.Should().Be(2);
    }

    [Fact]
    public void The_learner_protocol_embeddings_preferences_and_warmed_suggestions()
    {
        _journal.Append(Recorded("install firefox", "nix-env -iA nixpkgs.firefox"), Recorded("install vlc", "nix-env -iA nixpkgs.vlc", 1));
        var memory = Start();
        var learner = CreateTestProbe();

        memory.Tell(new GetCommandEmbeddings("ann"), learner);
        var embeddings = learner.ExpectMsg<CommandEmbeddings>();
        embeddings.Commands.Select(c => c.Command).Should().BeEquivalentTo("nix-env -iA nixpkgs.firefox", "nix-env -iA nixpkgs.vlc");

        memory.Tell(new UpdatePreferences("ann", new float[3]), learner);
        learner.ExpectMsg<CommandRejected>().Field.Should().Be("direction");
        var vlc = embeddings.Commands.Single(c => c.Command.EndsWith("vlc", StringComparison.Ordinal)).Vector;
        memory.Tell(new UpdatePreferences("ann", vlc), learner);
        learner.ExpectMsg<PreferencesUpdated>().Dimensions.Should().Be(vlc.Length);
        File.Exists(Path.Combine(_data.Path, MemoryActor.PreferencesFileName)).Should().BeTrue();

        memory.Tell(new WarmSuggestions("ann", ["install firefox"]), learner);
        learner.ExpectMsg<SuggestionsWarmed>().Cached.Should().Be(1);
        Search(memory, "install firefox").FromCache.Should().BeTrue();
        var live = _journal.Append(Recorded("install git", "nix-env -iA nixpkgs.git", 2)).Single();
        memory.Tell(new SessionEventPublished("ann", live.SequenceNr, live.Event));
        Search(memory, "install firefox").FromCache.Should().BeFalse("a new memory clears the cache");
    }

    [Fact]
    public void Bad_search_input_is_rejected_naming_the_field()
    {
        var memory = Start();

        memory.Tell(new SearchMemory("ann", " ", 5), TestActor);
        ExpectMsg<CommandRejected>().Field.Should().Be("query");
        memory.Tell(new SearchMemory("ann", "firefox", 0), TestActor);
        ExpectMsg<CommandRejected>().Field.Should().Be("limit");
        memory.Tell(new SearchMemory("ann", "firefox", 5, AsOf: "yesterday-ish"), TestActor);
        ExpectMsg<CommandRejected>().Field.Should().Be("asOf");
    }

    [Fact]
    public void An_unreadable_memory_file_is_set_aside_under_the_clock_s_time_and_rebuilt()
    {
        _journal.Append(Recorded("install firefox", "nix-env -iA nixpkgs.firefox"));
        File.WriteAllBytes(StorePath, Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7)).ToArray());

        var memory = Start();

        Search(memory, "firefox").Results.Should().ContainSingle();
        File.Exists(StorePath + ".unreadable-20260302T080000000").Should().BeTrue();
    }
}

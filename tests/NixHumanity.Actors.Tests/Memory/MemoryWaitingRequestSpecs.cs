using Akka.Actor;
using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The memory always answers a request it keeps aside for its model: when the model's load fails and when the memory
/// stops, the learner's request for command embeddings is answered unavailable, so the learner can wait for the
/// answer without a clock (docs/adr/0054).
/// </summary>
public sealed class MemoryWaitingRequestSpecs : TestKit
{
    private static readonly DateTimeOffset Morning = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDataDirectory _data = new();
    private readonly ManualResetEventSlim _gate = new(false);
    private readonly TaskCompletionSource _loadStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MemoryWaitingRequestSpecs()
        : base(SpecConfig.Hocon)
    {
    }

    protected override void Dispose(bool disposing)
    {
        _gate.Set();
        base.Dispose(disposing);
        _gate.Dispose();
        _data.Dispose();
    }

    /// <summary>A memory whose model loads only when the spec opens the gate, and then fails; one record held for it.</summary>
    private IActorRef StartWithOneRecordHeld()
    {
        var embedder = new DeferredEmbedder("ngram-v1", 384, () =>
        {
            _loadStarted.TrySetResult();
            _gate.Wait();
            throw new InvalidOperationException("model file unreadable");
        });
        var journal = new ListJournalSource();
        journal.Append(new InteractionRecorded(
            "i-1", "ann", "s1", "install firefox", "nix-env -iA nixpkgs.firefox", null, null, InteractionOutcome.Success, null, null, null, 0.5, Morning));
        // The CLI's setting: nothing loads the model for new events, so the record stays held until someone asks.
        var settings = new MemorySettings(embedder, new MemoryOptions { LoadModelForNewEvents = false });
        var memory = Sys.ActorOf(MemoryActor.Props(
            "ann", Directory.CreateDirectory(Path.Combine(_data.Path, "ann")).FullName, settings, new ProjectionOptions(), new ManualClock(Morning), journal));
        memory.Tell(new GetMemoryStatus("ann"), TestActor);
        ExpectMsg<ProjectionStatus>().LastSequenceNr.Should().Be(0, "the record waits for the model");
        return memory;
    }

    [Fact]
    public async Task A_request_for_command_embeddings_waiting_for_the_model_is_answered_unavailable_when_the_load_fails()
    {
        var memory = StartWithOneRecordHeld();
        memory.Tell(new GetCommandEmbeddings("ann", 1, LoadModel: true), TestActor);
        await _loadStarted.Task;

        _gate.Set();

        ExpectMsg<TemporarilyUnavailable>().Reason.Should().Contain("model file unreadable");
    }

    [Fact]
    public async Task A_request_for_command_embeddings_waiting_for_the_model_is_answered_unavailable_when_the_memory_stops()
    {
        var memory = StartWithOneRecordHeld();
        memory.Tell(new GetCommandEmbeddings("ann", 1, LoadModel: true), TestActor);
        await _loadStarted.Task;

        Sys.Stop(memory);

        ExpectMsg<TemporarilyUnavailable>().Component.Should().Be("memory");
    }
}

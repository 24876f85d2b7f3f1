using Akka.Actor;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// A tiny file store for the skeleton's specs: the first line is the checkpoint, then one applied sequence number per
/// line. A file that does not start with <c>checkpoint</c> is unreadable (an <see cref="InvalidDataException"/>).
/// </summary>
internal sealed class TestStore : IDisposable
{
    public const string FileName = "test.store";

    private readonly string _path;
    private readonly List<long> _applied;

    private TestStore(string path, long checkpoint, List<long> applied)
    {
        _path = path;
        Checkpoint = checkpoint;
        _applied = applied;
    }

    public long Checkpoint { get; private set; }

    public IReadOnlyList<long> Applied => _applied;

    public static TestStore Open(string path)
    {
        if (!File.Exists(path))
        {
            return new TestStore(path, 0, []);
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith("checkpoint ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is not a test store");
        }

        return new TestStore(path, long.Parse(lines[0]["checkpoint ".Length..]), lines.Skip(1).Select(long.Parse).ToList());
    }

    /// <summary>Writes a store file that has applied 1..<paramref name="checkpoint"/>.</summary>
    public static void WriteCaughtUpTo(string path, long checkpoint) =>
        File.WriteAllLines(path, [$"checkpoint {checkpoint}", .. Enumerable.Range(1, (int)checkpoint).Select(n => n.ToString())]);

    public void Apply(IReadOnlyList<JournaledSessionEvent> events)
    {
        _applied.AddRange(events.Select(e => e.SequenceNr));
        Checkpoint = events[^1].SequenceNr;
        File.WriteAllLines(_path, [$"checkpoint {Checkpoint}", .. _applied.Select(n => n.ToString())]);
    }

    public void Dispose()
    {
    }
}

/// <summary>Asks the <see cref="TestProjection"/> what it has applied; answered with <see cref="AppliedSoFar"/>.</summary>
internal sealed record GetApplied;

/// <summary>Asks the <see cref="TestProjection"/> what its store holds as it is, without applying buffered live events
/// first (not a request); answered with <see cref="AppliedSoFar"/>.</summary>
internal sealed record PeekStore;

/// <summary>Every sequence number applied, in order, and the checkpoint.</summary>
internal sealed record AppliedSoFar(IReadOnlyList<long> SequenceNrs, long Checkpoint);

/// <summary>Asks the <see cref="TestProjection"/> how far it has got: answered with <see cref="AppliedSoFar"/>, at once
/// during a catch-up it started because it fell behind or with more than a batch queued (its progress reply).</summary>
internal sealed record GetProgress : IProgressRequest;

/// <summary>A request the <see cref="TestProjection"/> fails on (throws <paramref name="Cause"/>).</summary>
internal sealed record FailOn(Exception Cause, string UserId = "ann") : NixHumanity.Actors.Contracts.IUserMessage;

/// <summary>A request the <see cref="TestProjection"/> answers with <c>"pong"</c>.</summary>
internal sealed record Ping(string UserId = "ann") : NixHumanity.Actors.Contracts.IUserMessage;

/// <summary>
/// A request that holds the <see cref="TestProjection"/> until <paramref name="Release"/> is set, after setting
/// <paramref name="Entered"/>: what a slow apply does, so a spec can queue messages behind it.
/// </summary>
internal sealed record Hold(ManualResetEventSlim Entered, ManualResetEventSlim Release, string UserId = "ann") : NixHumanity.Actors.Contracts.IUserMessage;

/// <summary>Told to the spec's probe on every call of <c>Apply</c>: the batch's sequence numbers.</summary>
internal sealed record BatchApplied(IReadOnlyList<long> SequenceNrs);

/// <summary>The smallest projection: applies events to a <see cref="TestStore"/> and reports each batch to a probe.</summary>
internal sealed class TestProjection : ProjectionActor<TestStore>
{
    private readonly IActorRef _batches;

    private TestProjection(string folder, ProjectionOptions options, TimeProvider clock, IJournalSource journal, IActorRef batches)
        : base("test", "ann", folder, options, clock, journal)
    {
        _batches = batches;
    }

    protected override string StoreFileName => TestStore.FileName;

    protected override long Checkpoint => Store.Checkpoint;

    // The test store keeps no fingerprint: its specs exercise catch-up, not journal divergence.
    protected override (long SequenceNr, string? Fingerprint) StoredCheckpoint => (Store.Checkpoint, null);

    public static Props Props(string folder, ProjectionOptions options, TimeProvider clock, IJournalSource journal, IActorRef batches) =>
        FactoryActorProducer<TestProjection>.Props(() => new TestProjection(folder, options, clock, journal, batches));

    protected override TestStore OpenStore() => TestStore.Open(Path.Combine(Folder, TestStore.FileName));

    protected override void Apply(IReadOnlyList<JournaledSessionEvent> events)
    {
        Store.Apply(events);
        _batches.Tell(new BatchApplied(events.Select(e => e.SequenceNr).ToList()));
    }

    protected override object? ProgressReply(object request) =>
        request is GetProgress ? new AppliedSoFar(Store.Applied.ToList(), Store.Checkpoint) : null;

    protected override void WhenReady()
    {
        ReceiveRequest<GetApplied>(_ => Sender.Tell(new AppliedSoFar(Store.Applied.ToList(), Store.Checkpoint)));
        Receive<PeekStore>(_ => Sender.Tell(new AppliedSoFar(Store.Applied.ToList(), Store.Checkpoint)));
        ReceiveRequest<FailOn>(fail => throw fail.Cause);
        ReceiveRequest<Ping>(_ => Sender.Tell("pong"));
        ReceiveRequest<Hold>(hold =>
        {
            hold.Entered.Set();
            hold.Release.Wait();
        });
    }
}

using Akka.Actor;
using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// What specs of the projection skeleton share: a <see cref="TestProjection"/> on a tiny file store in a temporary
/// data directory, its journal a list (<see cref="ListJournalSource"/>), every applied batch reported to a probe.
/// </summary>
public abstract class TestProjectionSpecs : TestKit
{
    /// <summary>The clock every spec's events and projection start from.</summary>
    protected static readonly DateTimeOffset Morning = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    protected TestProjectionSpecs()
        : base(SpecConfig.Hocon)
    {
        Batches = CreateTestProbe();
    }

    protected TempDataDirectory Data { get; } = new();

    private protected ListJournalSource Journal { get; } = new();

    /// <summary>Receives every batch the projection applies.</summary>
    protected Akka.TestKit.TestProbe Batches { get; }

    protected string StorePath => Path.Combine(Data.Path, TestStore.FileName);

    protected static ISessionEvent Event(int n) => new FlowStarted(n / 100.0, Morning.AddMinutes(n));

    /// <summary>
    /// Starts a projection on <see cref="Data"/> and <see cref="Journal"/>; <paramref name="batchSize"/> is both the live
    /// and the catch-up batch; <paramref name="liveApplyWindow"/> is <see cref="ProjectionOptions.LiveApplyWindow"/>
    /// (the default when null), measured on the virtual scheduler.
    /// </summary>
    protected IActorRef Start(int batchSize = 256, int maxLiveLag = 1024, TimeSpan? liveApplyWindow = null)
    {
        var options = new ProjectionOptions { ReplayBatchSize = batchSize, CatchUpBatchSize = batchSize, MaxLiveLag = maxLiveLag };
        if (liveApplyWindow is { } window)
        {
            options.LiveApplyWindow = window;
        }

        return Sys.ActorOf(TestProjection.Props(Data.Path, options, new ManualClock(Morning), Journal, Batches.Ref).WithMailbox(ProjectionMailbox.Id));
    }

    /// <summary>What <paramref name="projection"/>'s store holds now, without applying the live events it has buffered.</summary>
    private protected AppliedSoFar Stored(IActorRef projection)
    {
        projection.Tell(new PeekStore(), TestActor);
        return ExpectMsg<AppliedSoFar>();
    }

    /// <summary>What <paramref name="projection"/> has applied so far.</summary>
    private protected AppliedSoFar Applied(IActorRef projection)
    {
        projection.Tell(new GetApplied(), TestActor);
        return ExpectMsg<AppliedSoFar>();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Data.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.TestKit;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Import;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// The instruments no other spec sees emitted: the restart and unavailable counters and the import span, each caught by
/// a plain <see cref="MeterListener"/> or <see cref="ActivityListener"/>. The instruments are static, so these specs run
/// alone (<see cref="TelemetryCollection"/>): a measurement seen here comes from the spec itself.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryInstrumentSpecs : Akka.TestKit.Xunit2.TestKit
{
    public TelemetryInstrumentSpecs()
        : base(SpecConfig.Hocon)
    {
    }

    /// <summary>Collects the measurements of the library's counter <paramref name="name"/>: value and component attribute.</summary>
    private sealed class CounterListener : IDisposable
    {
        private readonly MeterListener _listener = new();

        public CounterListener(string name)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == NixHumanityTelemetry.MeterName && instrument.Name == name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? component = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "nixhumanity.component")
                    {
                        component = tag.Value as string;
                    }
                }

                Measurements.Enqueue((value, component));
            });
            _listener.Start();
        }

        public ConcurrentQueue<(long Value, string? Component)> Measurements { get; } = new();

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Answers every request the way a tree whose session is restarting does, and an import as a tree that imported nothing.</summary>
    private sealed class StandInDirectory : ReceiveActor
    {
        public StandInDirectory()
        {
            Receive<ImportHistory>(_ => Sender.Tell(new HistoryImported(0, 0, 0, 0, 0, 0, 0)));
            Receive<IUserMessage>(request => Sender.Tell(new TemporarilyUnavailable(request.UserId, "session")));
        }
    }

    private NixHumanityClient ClientOf(IActorRef directory) =>
        new(new RequiredDirectory(directory), new NixHumanityOptions { DataDirectory = Path.GetTempPath() }, Sys);

    [Fact]
    public async Task A_component_stopped_by_a_failure_counts_a_restart_for_its_component()
    {
        using var restarts = new CounterListener("nixhumanity.component.restarts");
        var children = CreateTestProbe();
        var standIns = new UserChildren(
            (_, _, _, _) => StandIn.Props("memory", children),
            (_, _, _, _, _) => StandIn.Props("learner", children),
            (_, _, _, _, _, _) => StandIn.Props("session", children));
        var parent = Sys.ActorOf(StepParent.Props(UserActor.Props("maya", SpecUserSettings.With(), TimeProvider.System, standIns), "user-maya", CreateTestProbe()));
        children.ReceiveN(3).Should().AllBeOfType<StandInStarted>();
        var memory = await Sys.ActorSelection(parent.Path / "user-maya" / "memory").ResolveOne(TimeSpan.FromMinutes(1));

        memory.Tell(Crash.Instance);

        // The supervisor's strategy counts the failure before it stops the child.
        children.ExpectMsg<StandInStopped>().Name.Should().Be("memory");
        restarts.Measurements.Should().ContainSingle().Which.Should().Be((1L, "memory"));
    }

    [Fact]
    public async Task A_call_answered_temporarily_unavailable_counts_for_the_component_that_answered()
    {
        using var unavailable = new CounterListener("nixhumanity.component.unavailable");
        var client = ClientOf(Sys.ActorOf(Props.Create(() => new StandInDirectory())));

        var call = () => client.GetStatusAsync("maya");

        await call.Should().ThrowAsync<ComponentUnavailableException>();
        unavailable.Measurements.Should().ContainSingle().Which.Should().Be((1L, "session"));
    }

    [Fact]
    public async Task An_import_is_one_span()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NixHumanityTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var client = ClientOf(Sys.ActorOf(Props.Create(() => new StandInDirectory())));
        var plan = new ImportPlan("/tmp/history.db", ImportSourceKind.Sqlite, 0, 0, 0, [], [], [], []);

        await client.ImportAsync("maya", plan);

        spans.Should().ContainSingle().Which.Should().Match<Activity>(span =>
            span.DisplayName == "nixhumanity.import" && (string?)span.GetTagItem("nixhumanity.operation") == "import"
            && span.Status != ActivityStatusCode.Error);
    }
}

/// <summary>Specs that listen to the library's static instruments; xunit runs this collection alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "telemetry instruments";
}

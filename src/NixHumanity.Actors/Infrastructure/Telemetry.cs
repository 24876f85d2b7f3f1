using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The library's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <see cref="Name"/>.
/// Instrument names follow OpenTelemetry's conventions: lower-case dotted names under <c>nixhumanity.</c>, durations
/// as histograms in seconds, counts with a <c>{unit}</c> annotation. Nothing is recorded unless a listener (an
/// OpenTelemetry <c>MeterProvider</c>/<c>TracerProvider</c>, <c>dotnet-counters</c>) subscribes.
/// </summary>
internal static class Telemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "NixHumanity";

    /// <summary>Attribute naming the component of a user's tree (<c>session</c>, <c>memory</c>, <c>learner</c>).</summary>
    public const string ComponentAttribute = "nixhumanity.component";

    /// <summary>Attribute naming an operation (<c>record</c>, <c>search</c>, <c>fold</c>, <c>import</c>, …).</summary>
    public const string OperationAttribute = "nixhumanity.operation";

    /// <summary>Attribute naming the person a span is about.</summary>
    public const string UserAttribute = "nixhumanity.user";

    /// <summary>Attribute of a projection's request span: messages waiting in the actor's mailbox when it was handled.</summary>
    public const string QueuedAttribute = "nixhumanity.queued";

    /// <summary>Attribute of a projection's request span: buffered live events applied before the request was answered.</summary>
    public const string AppliedFirstAttribute = "nixhumanity.applied_first";

    /// <summary>Attribute of a projection's request span: milliseconds spent applying them.</summary>
    public const string ApplyMillisecondsAttribute = "nixhumanity.apply_ms";

    /// <summary>The meter.</summary>
    public static readonly Meter Meter = new(Name, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The activity source: one span per record, search, fold and import.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Interactions acknowledged as durable.</summary>
    public static readonly Counter<long> Acknowledgements = Meter.CreateCounter<long>(
        "nixhumanity.interaction.acknowledged", "{interaction}", "Interactions acknowledged once durable in the journal.");

    /// <summary>Time from asking to record an interaction to its acknowledgement.</summary>
    public static readonly Histogram<double> AcknowledgementDuration = Meter.CreateHistogram<double>(
        "nixhumanity.interaction.ack.duration", "s", "Time until an interaction is acknowledged as durable.");

    /// <summary>Time a memory search takes, as the caller sees it.</summary>
    public static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>(
        "nixhumanity.memory.search.duration", "s", "Time a semantic memory search takes.");

    /// <summary>How many journal events a projection (memory, learner) is behind when a live event reaches it.</summary>
    public static readonly Histogram<long> ProjectionLag = Meter.CreateHistogram<long>(
        "nixhumanity.projection.lag", "{event}", "Journal events a projection is behind when a live event arrives.");

    /// <summary>Child actors of a user's tree stopped by a failure (each is started again after a back-off).</summary>
    public static readonly Counter<long> Restarts = Meter.CreateCounter<long>(
        "nixhumanity.component.restarts", "{restart}", "Components of a user's tree restarted after a failure.");

    /// <summary>Journal events re-embedded in the background after the embedder changed.</summary>
    public static readonly Counter<long> Reembedded = Meter.CreateCounter<long>(
        "nixhumanity.memory.reembedded", "{event}", "Journal events re-embedded after an embedder change.");

    /// <summary>Calls answered "temporarily unavailable" because a component was restarting.</summary>
    public static readonly Counter<long> Unavailable = Meter.CreateCounter<long>(
        "nixhumanity.component.unavailable", "{call}", "Calls refused because a component was restarting.");
}

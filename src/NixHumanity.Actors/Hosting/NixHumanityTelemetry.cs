using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Names to subscribe to the library's metrics and traces, e.g. with OpenTelemetry:
/// <c>.WithMetrics(m =&gt; m.AddMeter(NixHumanityTelemetry.MeterName)).WithTracing(t =&gt; t.AddSource(NixHumanityTelemetry.ActivitySourceName))</c>.
/// Instruments: <c>nixhumanity.interaction.acknowledged</c>, <c>nixhumanity.interaction.ack.duration</c> (s),
/// <c>nixhumanity.memory.search.duration</c> (s), <c>nixhumanity.projection.lag</c> (events),
/// <c>nixhumanity.component.restarts</c>, <c>nixhumanity.component.unavailable</c>, <c>nixhumanity.memory.reembedded</c>.
/// Spans: <c>nixhumanity.record</c>, <c>nixhumanity.search</c>, <c>nixhumanity.fold</c>, <c>nixhumanity.import</c>.
/// </summary>
public static class NixHumanityTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/>'s name.</summary>
    public const string MeterName = Telemetry.Name;

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/>'s name.</summary>
    public const string ActivitySourceName = Telemetry.Name;
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>Spans and timings of the client's calls (<see cref="Telemetry"/>), kept out of the client's own code.</summary>
internal static class ClientTelemetry
{
    /// <summary>
    /// Runs <paramref name="call"/> inside an activity named <c>nixhumanity.&lt;operation&gt;</c> and records its
    /// duration in <paramref name="duration"/> (when given). A failure marks the span as an error with
    /// <c>error.type</c> (OpenTelemetry's attribute) and is rethrown unchanged.
    /// </summary>
    public static async Task<T> TraceAsync<T>(string operation, TimeProvider clock, Histogram<double>? duration, Func<Task<T>> call)
    {
        using var activity = Telemetry.Source.StartActivity($"nixhumanity.{operation}", ActivityKind.Internal);
        activity?.SetTag(Telemetry.OperationAttribute, operation);
        var started = clock.GetTimestamp();
        try
        {
            var result = await call().ConfigureAwait(false);
            duration?.Record(clock.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(Telemetry.OperationAttribute, operation));
            return result;
        }
        catch (Exception ex)
        {
            var errorType = ex.GetType().FullName;
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", errorType);
            duration?.Record(clock.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(Telemetry.OperationAttribute, operation), new KeyValuePair<string, object?>("error.type", errorType));
            throw;
        }
    }
}

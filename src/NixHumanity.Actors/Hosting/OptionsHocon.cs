using System.Globalization;
using NixHumanity.Actors.Infrastructure.Serialization;

namespace NixHumanity.Actors.Hosting;

/// <summary>Renders the typed options that Akka itself reads (connection strings, the journal's time bounds, the
/// scheduler's tick of a long-running single process) as HOCON.</summary>
internal static class OptionsHocon
{
    /// <summary>HOCON for <paramref name="options"/>; it is placed above the files, so it wins.</summary>
    public static string Render(NixHumanityOptions options)
    {
        var connection = Quote(options.EffectiveConnectionString);
        var journalTimeout = (long)options.JournalTimeout.TotalMilliseconds;
        var persistence = string.Create(CultureInfo.InvariantCulture, $$"""
            akka.persistence.journal.sql.connection-string = {{connection}}
            akka.persistence.snapshot-store.sql.connection-string = {{connection}}
            akka.persistence.query.journal.sql.connection-string = {{connection}}
            akka.persistence.journal.sql.recovery-event-timeout = {{journalTimeout}}ms
            akka.persistence.journal.sql.circuit-breaker.call-timeout = {{journalTimeout}}ms
            akka.persistence.snapshot-store.sql.circuit-breaker.call-timeout = {{journalTimeout}}ms
            """);
        if (options.Cluster.Enabled)
        {
            return persistence + "\n" + WireBindings();
        }

        return options.StartComponentsOnDemand
            ? persistence
            : persistence + "\n" + string.Create(CultureInfo.InvariantCulture, $"akka.scheduler.tick-duration = {(long)LongRunningSchedulerTick.TotalMilliseconds}ms");
    }

    /// <summary>
    /// How often Akka's scheduler looks for due timers in a long-running single-process host (<c>nixh serve</c>, an
    /// assistant hosting the library: <see cref="NixHumanityOptions.StartComponentsOnDemand"/> off), idle most of the
    /// time. It wakes every tick whether a timer is due or not: at Akka's 10 ms an idle <c>nixh serve</c> spent ~8 ms/s
    /// of CPU on the .NET timer thread alone (plus a thread-pool item per tick; docs/benchmarks.md, "An idle owner's
    /// timers"). The shortest timer the library sets is
    /// 100 ms (the memory's first embedding retry; the others are seconds), so a 100 ms tick loses no precision that is
    /// used; a shorter time an application sets (a supervisor back-off of 50 ms) waits for the next tick. Akka's 10 ms
    /// stays for a verb's own host (components on demand: it lives for one verb, where idle ticks cost nothing, and
    /// stopping an actor system may wait up to a tick for its scheduler; not measured) and for a cluster node (remoting,
    /// the cluster and sharding time their own retries and acknowledgements on this scheduler; not measured with a
    /// coarser tick).
    /// </summary>
    internal static readonly TimeSpan LongRunningSchedulerTick = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Cluster mode: every message and reply of the library travels between nodes with the wire serializer
    /// (docs/adr/0018). Bound per type because the replies share no interface to bind.
    /// </summary>
    private static string WireBindings() => string.Join('\n', NixHumanityWireSerializer.WireTypes()
        .Select(t => $"akka.actor.serialization-bindings.{Quote($"{t.FullName}, {t.Assembly.GetName().Name}")} = nixh-wire"));

    /// <summary>A HOCON quoted string: backslashes and quotes escaped.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

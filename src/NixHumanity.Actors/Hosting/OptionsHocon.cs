using System.Globalization;
using NixHumanity.Actors.Infrastructure.Serialization;

namespace NixHumanity.Actors.Hosting;

/// <summary>Renders the typed options that Akka itself reads (connection strings, the journal's time bounds) as HOCON.</summary>
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
        return options.Cluster.Enabled ? persistence + "\n" + WireBindings() : persistence;
    }

    /// <summary>
    /// Cluster mode: every message and reply of the library travels between nodes with the wire serializer
    /// (docs/adr/0018). Bound per type because the replies share no interface to bind.
    /// </summary>
    private static string WireBindings() => string.Join('\n', NixHumanityWireSerializer.WireTypes()
        .Select(t => $"akka.actor.serialization-bindings.{Quote($"{t.FullName}, {t.Assembly.GetName().Name}")} = nixh-wire"));

    /// <summary>A HOCON quoted string: backslashes and quotes escaped.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

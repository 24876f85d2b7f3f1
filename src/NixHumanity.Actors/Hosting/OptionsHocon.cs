using System.Globalization;

namespace NixHumanity.Actors.Hosting;

/// <summary>Renders the typed options that Akka itself reads (connection strings) as HOCON.</summary>
public static class OptionsHocon
{
    /// <summary>HOCON for <paramref name="options"/>; it is placed above the files, so it wins.</summary>
    public static string Render(NixHumanityOptions options)
    {
        var connection = Quote(options.EffectiveConnectionString);
        return string.Create(CultureInfo.InvariantCulture, $$"""
            akka.persistence.journal.sql.connection-string = {{connection}}
            akka.persistence.snapshot-store.sql.connection-string = {{connection}}
            akka.persistence.query.journal.sql.connection-string = {{connection}}
            """);
    }

    /// <summary>A HOCON quoted string: backslashes and quotes escaped.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

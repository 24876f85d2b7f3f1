namespace NixHumanity.Actors.Infrastructure;

/// <summary>Where the event journal lives.</summary>
public enum JournalProvider
{
    /// <summary>An embedded SQLite file under the data directory (default; no server).</summary>
    Sqlite = 0,

    /// <summary>A PostgreSQL server (set the connection string in the host options).</summary>
    Postgres = 1,
}

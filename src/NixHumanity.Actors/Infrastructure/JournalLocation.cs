namespace NixHumanity.Actors.Infrastructure;

/// <summary>Where the event journal and snapshot store live.</summary>
/// <param name="Provider">The database engine.</param>
/// <param name="ConnectionString">The connection string in effect (for SQLite derived from the data directory).</param>
public sealed record JournalLocation(JournalProvider Provider, string ConnectionString);

using System.Data.Common;
using System.Runtime.CompilerServices;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>Where the event journal and snapshot store live.</summary>
/// <param name="Provider">The database engine.</param>
/// <param name="ConnectionString">The connection string in effect (for SQLite derived from the data directory).</param>
internal sealed record JournalLocation(JournalProvider Provider, string ConnectionString)
{
    private const string JournalSection = "akka.persistence.journal.sql";

    /// <summary>
    /// The journal an actor system writes, read from its configuration (the SQL plugin's connection string and
    /// provider name); null when the system's journal is not the SQL plugin (e.g. an in-memory journal in specs).
    /// </summary>
    /// <param name="config">The actor system's configuration.</param>
    public static JournalLocation? FromConfig(Config config)
    {
        if (!config.HasPath(JournalSection + ".connection-string") ||
            config.GetString("akka.persistence.journal.plugin", "") != JournalSection)
        {
            return null;
        }

        var connection = config.GetString(JournalSection + ".connection-string", "");
        if (string.IsNullOrWhiteSpace(connection))
        {
            return null;
        }

        var provider = config.GetString(JournalSection + ".provider-name", "");
        return new JournalLocation(
            provider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) ? JournalProvider.Postgres : JournalProvider.Sqlite,
            connection);
    }

    /// <summary>A new, unopened connection to the journal database.</summary>
    /// <param name="connectionString">The connection string to use; the journal's own when null.</param>
    public DbConnection CreateConnection(string? connectionString = null) => Provider == JournalProvider.Sqlite
        ? SqliteConnectionTo(connectionString ?? ConnectionString)
        : PostgresConnectionTo(connectionString ?? ConnectionString);

    // Each driver behind a method of its own, never inlined and typed DbConnection: a method that names NpgsqlConnection
    // (in its body or a callee's signature) loads Npgsql when it is compiled, so a verb on the SQLite journal loaded the
    // PostgreSQL driver.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbConnection SqliteConnectionTo(string connectionString) => new SqliteConnection(connectionString);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbConnection PostgresConnectionTo(string connectionString) => new NpgsqlConnection(connectionString);
}

using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// The journal, snapshot store and query journal configured through Akka.Persistence.Sql.Hosting's typed options
/// (connection string, provider, table mapping, initialisation, query refresh). What has no typed option stays in
/// the provider's file in <c>hocon/</c>: the group-commit journal class, <c>parallelism</c>,
/// <c>use-clone-connection</c> and <c>journal-sequence-retrieval.query-delay</c>.
/// </summary>
internal static class TypedPersistence
{
    /// <summary>The query journal's refresh interval (kept equal to the files' value for plain actor systems).</summary>
    public static readonly TimeSpan QueryRefreshInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The linq2db provider name of a journal provider.</summary>
    public static string ProviderName(JournalProvider provider) => provider switch
    {
        JournalProvider.Sqlite => "SQLite.MS",
        JournalProvider.Postgres => "PostgreSQL.15",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown journal provider"),
    };

    /// <summary>The journal options for <paramref name="options"/>; the default table mapping keeps existing journals readable.</summary>
    public static SqlJournalOptions Journal(NixHumanityOptions options) => new(isDefaultPlugin: true)
    {
        ConnectionString = options.EffectiveConnectionString,
        ProviderName = ProviderName(options.JournalProvider),
        AutoInitialize = true,
        QueryRefreshInterval = QueryRefreshInterval,
        DatabaseOptions = JournalDatabaseOptions.Default,
    };

    /// <summary>The snapshot store options for <paramref name="options"/>.</summary>
    public static SqlSnapshotOptions Snapshots(NixHumanityOptions options) => new(isDefaultPlugin: true)
    {
        ConnectionString = options.EffectiveConnectionString,
        ProviderName = ProviderName(options.JournalProvider),
        AutoInitialize = true,
        DatabaseOptions = SnapshotDatabaseOptions.Default,
    };

    /// <summary>Adds the typed persistence on top of the files (which <paramref name="builder"/> already holds).</summary>
    public static AkkaConfigurationBuilder Apply(AkkaConfigurationBuilder builder, NixHumanityOptions options) =>
        builder.WithSqlPersistence(Journal(options), Snapshots(options));
}

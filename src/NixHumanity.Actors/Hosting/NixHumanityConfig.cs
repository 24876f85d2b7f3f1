using Akka.Configuration;
using Akka.Persistence.Sql;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// The composed actor-system configuration: typed options over <c>hocon/akka.conf</c> and the journal provider's
/// file, over the SQL persistence plugin's defaults. Used by the hosting extensions and by anyone creating an
/// <see cref="Akka.Actor.ActorSystem"/> directly (tests, benchmarks).
/// </summary>
public static class NixHumanityConfig
{
    /// <summary>The layers from highest to lowest priority.</summary>
    public static IReadOnlyList<string> Layers(NixHumanityOptions options) =>
    [
        OptionsHocon.Render(options),
        HoconFiles.Load(HoconFiles.Akka),
        HoconFiles.Load(HoconFiles.PersistenceFileFor(options.JournalProvider)),
    ];

    /// <summary>All layers folded into one <see cref="Config"/>, including the SQL plugin's defaults.</summary>
    public static Config Compose(NixHumanityOptions options) => Layers(options)
        .Select(ConfigurationFactory.ParseString)
        .Append(SqlPersistence.DefaultConfiguration)
        .Aggregate((higher, lower) => higher.WithFallback(lower));

    /// <summary>
    /// Prepares the journal storage before an actor system opens it: for SQLite, creates the file and switches it
    /// to WAL. Nothing to do for PostgreSQL (the plugin creates its tables).
    /// </summary>
    public static void PrepareStorage(NixHumanityOptions options)
    {
        if (options.JournalProvider == JournalProvider.Sqlite)
        {
            SqliteJournal.Prepare(options.EffectiveConnectionString);
        }
    }
}

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
    /// to WAL (the plugin creates its own tables); for both engines, gives the journal its identity
    /// (<see cref="JournalIdentity"/>) when it has none, so the projections can tell which journal they follow.
    /// </summary>
    /// <param name="options">The host options.</param>
    /// <param name="clock">Stamps a new journal identity; <see cref="TimeProvider.System"/> when null.</param>
    public static void PrepareStorage(NixHumanityOptions options, TimeProvider? clock = null)
    {
        if (options.JournalProvider == JournalProvider.Sqlite)
        {
            SqliteJournal.Prepare(options.EffectiveConnectionString);
        }

        JournalIdentity.Ensure(new JournalLocation(options.JournalProvider, options.EffectiveConnectionString), clock ?? TimeProvider.System);
    }
}

using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Db;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Whether the SQL persistence plugin has already created its tables and indexes in a SQLite file, checked with one
/// query on <c>sqlite_master</c>. When it has, the plugin's own start-up check (<c>auto-initialize</c>: a linq2db
/// <c>CREATE TABLE IF NOT EXISTS</c> per table, its statements and mapping built at run time) is turned off for that
/// start: it would find everything there and do nothing, and it cost a verb in its own process about a tenth of its time
/// (docs/benchmarks.md, "Verbs without a server: the plugin's write side"). A file without them (a new data directory, or
/// one a crash interrupted while the plugin created them) keeps the plugin's initialisation unchanged.
/// </summary>
/// <remarks>
/// The names checked are the plugin's own, taken from its configuration: the table names and the indexes its SQLite
/// statement footers create (<see cref="FooterGenerator"/>), so a table mapping other than the default is checked as
/// well as the default one.
/// </remarks>
internal static partial class SqlitePluginTables
{
    /// <summary>
    /// Whether the plugin's writer starts at the first write (<c>nixh-writer-on-demand</c>, set for a <c>nixh</c> verb
    /// that only reads; ADR 0038). Off (the default), the writer and the plugin's table check start with the actor as
    /// the plugin always did, alongside the rest of the host's start-up rather than in front of its first write, and
    /// the configuration is left as it is.
    /// </summary>
    /// <param name="pluginConfig">The journal's or the snapshot store's HOCON section.</param>
    public static bool WriterOnDemand(Config pluginConfig) => pluginConfig.GetBoolean("nixh-writer-on-demand", false);

    /// <summary>
    /// <paramref name="journalConfig"/> with <c>auto-initialize</c> off when its writer starts on demand
    /// (<see cref="WriterOnDemand"/>) and the journal's tables and indexes all exist; otherwise unchanged. <c>Present</c>
    /// says which.
    /// </summary>
    /// <param name="journalConfig">The journal plugin's HOCON section.</param>
    public static (Config Config, bool Present) ForJournal(Config journalConfig)
    {
        var settings = new JournalConfig(journalConfig.WithFallback(SqlPersistence.DefaultJournalConfiguration));
        if (!WriterOnDemand(journalConfig) || !settings.AutoInitialize)
        {
            return (journalConfig, false);
        }

        var tables = settings.TableConfig;
        var names = new List<string> { tables.EventJournalTable.Name };
        names.AddRange(IndexNames(settings.GenerateJournalFooter()));
        if (settings.PluginConfig.TagMode != TagMode.Csv)
        {
            names.Add(tables.TagTable.Name);
            names.AddRange(IndexNames(settings.GenerateTagFooter()));
        }

        if (settings.DaoConfig.SqlCommonCompatibilityMode)
        {
            names.Add(tables.MetadataTable.Name);
        }

        return AllExist(settings.ConnectionString, tables.SchemaName, names)
            ? (WithoutInitialization(journalConfig), true)
            : (journalConfig, false);
    }

    /// <summary>
    /// <paramref name="snapshotConfig"/> with <c>auto-initialize</c> off when its store starts on demand
    /// (<see cref="WriterOnDemand"/>) and the snapshot table and its indexes exist; otherwise unchanged.
    /// </summary>
    /// <param name="snapshotConfig">The snapshot store plugin's HOCON section.</param>
    public static Config ForSnapshotStore(Config snapshotConfig)
    {
        var settings = new SnapshotConfig(snapshotConfig.WithFallback(SqlPersistence.DefaultSnapshotConfiguration));
        if (!WriterOnDemand(snapshotConfig) || !settings.AutoInitialize)
        {
            return snapshotConfig;
        }

        var names = new List<string> { settings.TableConfig.SnapshotTable.Name };
        names.AddRange(IndexNames(settings.GenerateSnapshotFooter()));
        return AllExist(settings.ConnectionString, settings.TableConfig.SchemaName, names)
            ? WithoutInitialization(snapshotConfig)
            : snapshotConfig;
    }

    /// <summary>The names of the indexes a SQLite statement footer creates.</summary>
    internal static IEnumerable<string> IndexNames(string? footer) =>
        footer is null ? [] : CreateIndex().Matches(footer).Select(match => match.Groups[1].Value);

    private static Config WithoutInitialization(Config config) =>
        ConfigurationFactory.ParseString("auto-initialize = off").WithFallback(config);

    private static bool AllExist(string connectionString, string? schemaName, List<string> names)
    {
        if (!string.IsNullOrEmpty(schemaName) || string.IsNullOrEmpty(connectionString))
        {
            // Not a layout this check knows; the plugin checks it itself.
            return false;
        }

        try
        {
            using var connection = SqliteJournalRows.Open(connectionString);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')";
            var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }

            return names.All(existing.Contains);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Whatever is wrong with the file, the plugin's own initialisation meets it and reports it as it always did.
            return false;
        }
    }

    [GeneratedRegex(@"CREATE\s+(?:UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\s+(\S+)\s+ON", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateIndex();
}

using System.Reflection;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// The HOCON files of <c>hocon/</c>. They are copied next to the binaries so operators can edit them; when a
/// file is not there (e.g. the library is used from a single-file app) the copy embedded in this assembly is used.
/// </summary>
internal static class HoconFiles
{
    /// <summary>Base actor-system settings.</summary>
    public const string Akka = "akka.conf";

    /// <summary>Journal on embedded SQLite.</summary>
    public const string PersistenceSqlite = "persistence-sqlite.conf";

    /// <summary>Journal on PostgreSQL.</summary>
    public const string PersistencePostgres = "persistence-postgres.conf";

    /// <summary>The text of a HOCON file by name (e.g. <see cref="Akka"/>).</summary>
    public static string Load(string fileName)
    {
        var besideBinaries = Path.Combine(AppContext.BaseDirectory, "hocon", fileName);
        if (File.Exists(besideBinaries))
        {
            return File.ReadAllText(besideBinaries);
        }

        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"hocon/{fileName}")
            ?? throw new FileNotFoundException($"HOCON file '{fileName}' is neither in {Path.GetDirectoryName(besideBinaries)} nor embedded.", fileName);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The persistence file for a journal provider.</summary>
    public static string PersistenceFileFor(JournalProvider provider) => provider switch
    {
        JournalProvider.Sqlite => PersistenceSqlite,
        JournalProvider.Postgres => PersistencePostgres,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown journal provider"),
    };
}

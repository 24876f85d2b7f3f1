using DuckDB.NET.Data;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Connections to the small per-user DuckDB stores. Each runs with one worker thread: a data directory holds one
/// database per person and component, and DuckDB's default of one thread per core in every instance
/// oversubscribes the machine as soon as many people are active (measured: a load average near 50 on 2 cores with
/// 100 active users). Parallelism comes from the many actors, not from inside one small store.
/// </summary>
internal static class PerUserDuckDb
{
    /// <summary>A closed connection to <paramref name="dataSource"/> (a file path or <c>:memory:</c>) with one thread.</summary>
    public static DuckDBConnection Connection(string dataSource) => new($"Data Source={dataSource};threads=1");

    /// <summary>An open connection to <paramref name="dataSource"/> with one thread; nothing is left behind when opening fails.</summary>
    public static DuckDBConnection Open(string dataSource)
    {
        var connection = Connection(dataSource);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}

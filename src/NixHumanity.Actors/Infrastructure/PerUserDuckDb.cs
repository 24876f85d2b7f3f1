using System.Collections.Concurrent;
using DuckDB.NET.Data;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Connections to the small per-user DuckDB stores. Each runs with one worker thread: a data directory holds one
/// database per person and component, and DuckDB's default of one thread per core in every instance
/// oversubscribes the machine as soon as many people are active (measured: a load average near 50 on 2 cores with
/// 100 active users). Parallelism comes from the many actors, not from inside one small store.
/// </summary>
/// <remarks>
/// <see cref="Open"/> gives every store its own DuckDB instance (the memory store, which locks its instance down, ADR
/// 0005). <see cref="OpenShared"/> gives it a connection to the one in-memory instance the process shares, with the
/// store's file attached under an alias of its own and made the connection's default database (<c>USE</c>), so the
/// store's SQL names its tables as before. An instance costs about 3 MB of native memory whatever it holds (its
/// catalog of built-in functions, its buffer manager), an attached file about 0.3 MB (docs/adr/0030); a learner had
/// three instances. The connection is still the store's own: only the actor owning the store holds it, and
/// <see cref="Close"/> detaches the file before the connection is closed.
/// </remarks>
internal static class PerUserDuckDb
{
    /// <summary>The process-wide in-memory instance (DuckDB.NET shares an instance among connections to <c>:memory:?cache=shared</c>).</summary>
    private const string SharedInstance = "Data Source=:memory:?cache=shared;threads=1";

    private static readonly ConcurrentDictionary<DuckDBConnection, string> _attached = new();
    private static long _nextAlias;

    /// <summary>A closed connection to <paramref name="dataSource"/> (a file path or <c>:memory:</c>) with one thread.</summary>
    public static DuckDBConnection Connection(string dataSource) => new($"Data Source={dataSource};threads=1");

    /// <summary>
    /// An open connection to <paramref name="dataSource"/> with one thread, whose instance does not checkpoint when
    /// it is closed (see <see cref="SkipCheckpointOnClose"/>); nothing is left behind when opening fails.
    /// </summary>
    public static DuckDBConnection Open(string dataSource)
    {
        var connection = OpenConnection(Connection(dataSource));
        try
        {
            SkipCheckpointOnClose(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An open connection to the process's shared instance: with <paramref name="path"/> attached as its default
    /// database, or with nothing attached when <paramref name="path"/> is <c>:memory:</c> (a query engine over files,
    /// e.g. Parquet fragments). Close it with <see cref="Close"/>. Nothing is left behind when attaching fails.
    /// </summary>
    public static DuckDBConnection OpenShared(string path)
    {
        var connection = OpenConnection(new DuckDBConnection(SharedInstance));
        try
        {
            SkipCheckpointOnClose(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        if (path == ":memory:")
        {
            return connection;
        }

        var alias = $"store_{Interlocked.Increment(ref _nextAlias)}";
        try
        {
            Execute(connection, $"ATTACH '{path.Replace("'", "''", StringComparison.Ordinal)}' AS {alias}");
            _attached[connection] = alias;
            Execute(connection, $"USE {alias}");
            return connection;
        }
        catch
        {
            Close(connection);
            throw;
        }
    }

    /// <summary>
    /// Closes a connection from <see cref="Open"/> or <see cref="OpenShared"/>; a file attached by
    /// <see cref="OpenShared"/> is detached first (DuckDB closes its file; its write-ahead log stays until the next
    /// open replays it, see <see cref="SkipCheckpointOnClose"/>).
    /// </summary>
    public static void Close(DuckDBConnection connection)
    {
        try
        {
            if (_attached.TryRemove(connection, out var alias) && connection.State == System.Data.ConnectionState.Open)
            {
                // A transaction left open by a failure would keep the file attached.
                TryExecute(connection, "ROLLBACK");
                Execute(connection, "USE memory");
                Execute(connection, $"DETACH {alias}");
            }
        }
        finally
        {
            connection.Dispose();
        }
    }

    /// <summary>
    /// Closing a store (or detaching its file) leaves its write-ahead log as it is instead of checkpointing it into the
    /// file. Every commit is already durable in the log (DuckDB syncs it at commit), and the next open replays it; the
    /// checkpoint on close only moved those bytes, at 140-180 ms per file under load (13-18 ms of it on the CPU, the
    /// rest waiting on the disk), and a stopping node closes its users' files one after the other on the two store
    /// threads: ~0.2 s per user, so from ~50 users coordinated shutdown's 10 s cut the stop short and left the
    /// remaining stores unclosed anyway (docs/adr/0033). A projection whose tree is passivated checkpoints before
    /// closing (<c>ProjectionActor.CheckpointStore</c>), and DuckDB still checkpoints by itself past its
    /// <c>checkpoint_threshold</c>. The setting is the instance's: for the shared instance every connection sets it
    /// again, which changes nothing.
    /// </summary>
    private static void SkipCheckpointOnClose(DuckDBConnection connection) =>
        Execute(connection, "PRAGMA disable_checkpoint_on_shutdown");

    private static DuckDBConnection OpenConnection(DuckDBConnection connection)
    {
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

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void TryExecute(DuckDBConnection connection, string sql)
    {
        try
        {
            Execute(connection, sql);
        }
        catch (DuckDBException)
        {
            // No transaction was open.
        }
    }
}

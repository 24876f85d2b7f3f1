using System.Collections.Concurrent;
using System.Diagnostics;
using DuckDB.NET.Data;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Connections to the small per-user DuckDB stores. Each instance starts with one worker thread: a data directory holds
/// one database per person and component, and DuckDB's default of one thread per core in every instance
/// oversubscribes the machine as soon as many people are active (measured: a load average near 50 on 2 cores with
/// 100 active users). Parallelism comes from the many actors, not from inside one small store. The one exception is
/// an analytics query, which may lend the learners' shared instance the cores that are free and leaves the count in
/// place afterwards (<c>QueryThreads</c>, docs/adr/0034).
/// </summary>
/// <remarks>
/// <see cref="Open"/> gives a store a DuckDB instance of its own (tools, specs, a provisional store). <see cref="OpenShared"/>
/// gives it a connection to an in-memory instance shared with other stores, with the store's file attached under an
/// alias of its own and made the connection's default database (<c>USE</c>), so the store's SQL names its tables as
/// before. An instance costs about 3 MB of native memory whatever it holds (its catalog of built-in functions, its
/// buffer manager), an attached file about 0.3 MB (docs/adr/0030); a user had three instances before the learner's
/// stores were shared, two before the memories were (docs/adr/0036). The connection is still the store's own: only
/// the actor owning the store holds it, and <see cref="Close"/> detaches the file before the connection is closed. A
/// shared instance lives while a connection to it is open: a connection that keeps it (its <em>keeper</em>) is
/// duplicated for every store and closed with the last of them.
/// </remarks>
internal static partial class PerUserDuckDb
{
    /// <summary>
    /// The block size of a store file this class creates (DuckDB's smallest; its default is 256 KB). A checkpointed
    /// table keeps at least one block per column segment in the buffer pool, so with 256 KB blocks folding a small
    /// store's log into its file added ~2.7 MB of RSS per user (100 users: 351 → 625 MB), and with 16 KB blocks it
    /// took some away (390 → 371 MB), which is what lets a store be checkpointed while its user is active
    /// (docs/adr/0039). Fixed when the file is created: existing files keep theirs.
    /// </summary>
    public const int NewFileBlockSize = 16 * 1024;

    /// <summary>Prefixes a learners' instance key, so it never equals the memories' key of the same folder.</summary>
    private const string LearnersKeyPrefix = "learners:";

    private static readonly Lock _gate = new();
    private static readonly Dictionary<string, SharedInstance> _instances = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, SharedInstance> _closingInstances = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<DuckDBConnection, Attachment> _shared = new();
    private static long _nextAlias;

    /// <summary>
    /// Statements run on every new shared instance right after it is created, before a folder's instance is locked.
    /// Empty in the product: only a measurement sets it, before any store opens (the soak's <c>--duckdb-setting</c>,
    /// which compares a lower <c>wal_autocheckpoint</c> side by side with the default without changing the product's).
    /// </summary>
    internal static IReadOnlyList<string> MeasurementSettings { get; set; } = [];

    /// <summary>
    /// The write-ahead-log size at which DuckDB checkpoints a store of a shared instance by itself, at a commit
    /// (<c>checkpoint_threshold</c>; DuckDB's default is 16 MB). The stores of a busy user are never quiet for the
    /// projections' idle checkpoint (docs/adr/0039), and below DuckDB's default a store's log held every row of a
    /// 30-minute soak in memory; with small blocks a checkpoint moves the rows into blocks the buffer manager can evict
    /// under <see cref="SharedInstanceMemoryLimitMegabytes"/> (docs/adr/0040).
    /// </summary>
    public const string SharedCheckpointThreshold = "256KB";

    /// <summary>
    /// The <c>memory_limit</c> of each shared instance, in MB (<c>Projections.StoreMemoryLimitMegabytes</c>, set by the
    /// host before any store opens; DuckDB's default is 80 % of the machine's memory per instance, which two shared
    /// instances together could exceed and which never made the buffer manager evict anything). Applies to instances
    /// created after it is set (docs/adr/0040).
    /// </summary>
    internal static int SharedInstanceMemoryLimitMegabytes { get; set; } = Projections.ProjectionOptions.DefaultStoreMemoryLimitMegabytes;

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
    /// An open connection to a shared in-memory instance, with <paramref name="path"/> attached as its default database,
    /// or nothing attached when <paramref name="path"/> is <c>:memory:</c> (a query engine over files such as Parquet
    /// fragments). Close it with <see cref="Close"/>; nothing is left behind when attaching fails.
    /// </summary>
    /// <param name="path">The store's file, or <c>:memory:</c>.</param>
    /// <param name="lockedTo">
    /// Null: the process's one open instance (a learner's store opened outside a node, see
    /// <see cref="OpenLearnerShared"/>). A folder: the instance of the stores under that
    /// folder (the memories of one data directory), created with file access limited to the folder
    /// (<c>enable_external_access = false</c>, <c>allowed_directories</c>), DuckDB's row-group vacuum at checkpoints
    /// (docs/adr/0051) and its configuration locked, so no statement on any of its connections can read a file elsewhere, attach one, or change
    /// a setting (docs/adr/0036).
    /// </param>
    public static DuckDBConnection OpenShared(string path, string? lockedTo = null) =>
        AttachShared(path, lockedTo is null ? "" : Path.GetFullPath(lockedTo), lockedTo);

    /// <summary>
    /// An open connection to the learners' shared instance of one data directory's users folder, with
    /// <paramref name="path"/> attached as its default database (or nothing attached for <c>:memory:</c>); the
    /// process's learners' instance when <paramref name="usersFolder"/> is null (tools, specs). Not locked down: a
    /// learner's analytics query sets its thread count (<c>QueryThreads</c>) and reads its Parquet fragments. Keyed to
    /// the folder, so it closes with the last learner store of the node that owns the folder, and a stopping node can
    /// leave its learner files attached to it (<see cref="LeaveFilesAttached"/>, docs/adr/0047, amendment 2).
    /// </summary>
    /// <param name="path">The store's file, or <c>:memory:</c>.</param>
    /// <param name="usersFolder">The data directory's users folder, or null for the process's instance.</param>
    public static DuckDBConnection OpenLearnerShared(string path, string? usersFolder) =>
        AttachShared(path, usersFolder is null ? "" : LearnersInstanceKey(usersFolder), lockedTo: null);

    /// <summary>The key of <paramref name="usersFolder"/>'s learners' instance (<see cref="SharedInstanceMemory"/> lists open instances by key).</summary>
    internal static string LearnersInstanceKey(string usersFolder) => LearnersKeyPrefix + Path.GetFullPath(usersFolder);

    private static DuckDBConnection AttachShared(string path, string key, string? lockedTo)
    {
        var (instance, connection) = Acquire(key, lockedTo);
        _shared[connection] = new Attachment(instance, null, null);
        if (path == ":memory:")
        {
            return connection;
        }

        var fullPath = Path.GetFullPath(path);
        var alias = $"store_{Interlocked.Increment(ref _nextAlias)}";
        try
        {
            if (instance.TakeLeftAttached(fullPath) is { } leftover)
            {
                // Closed by a node that stopped (LeaveFilesAttached) while this instance lived on: detached now, so
                // the file is attached afresh and its log replayed.
                Execute(connection, $"DETACH DATABASE IF EXISTS {leftover}");
            }

            List<string> options = [];
            if (!File.Exists(fullPath))
            {
                options.Add($"BLOCK_SIZE {NewFileBlockSize}");
            }

            if (lockedTo is not null)
            {
                options.Add($"ROW_GROUP_SIZE {MemoryRowGroupSize}");
            }

            var optionList = options.Count == 0 ? "" : $" ({string.Join(", ", options)})";
            Execute(connection, $"ATTACH {DuckDbLiteral.Of(fullPath)} AS {alias}{optionList}");
            _shared[connection] = new Attachment(instance, alias, fullPath);
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
    /// open replays it, see <see cref="SkipCheckpointOnClose"/>), and a shared instance is closed with its last store.
    /// </summary>
    public static void Close(DuckDBConnection connection)
    {
        var started = Stopwatch.GetTimestamp();
        MarkCloseStarted(started);
        try
        {
            CloseConnection(connection);
        }
        finally
        {
            var ended = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _closes);
            Interlocked.Add(ref _closeTicks, ended - started);
            MarkCloseEnded(ended);
        }
    }

    private static void CloseConnection(DuckDBConnection connection)
    {
        if (!_shared.TryRemove(connection, out var shared))
        {
            connection.Dispose();
            return;
        }

        try
        {
            // Only an instance of one data directory's stores closes with the node. The process's learners' instance
            // (key "") outlives a node while another actor system of the process has a store open, and a file left
            // attached there stayed locked against the next process that owns the directory (a clean-clone CI run: an
            // export in a new process failed on the analytics file of a host stopped in the test process).
            if (_leavingAttached && shared.Instance.Key.Length > 0 && shared.Alias is { } kept && shared.Path is { } keptPath)
            {
                shared.Instance.KeepAttached(keptPath, kept);
                Interlocked.Increment(ref _closesLeavingAttached);
            }
            else if (shared.Alias is { } alias && connection.State == System.Data.ConnectionState.Open)
            {
                // One statement text, and the rollback only when the detach fails: a ROLLBACK without a transaction
                // throws, and that exception was ~30 % of a stopping node's store-thread time (docs/benchmarks.md,
                // "Capacity per node"). A transaction left open by a failure makes the detach fail (it would keep the
                // file attached): rolled back, the detach is made again.
                var detach = $"USE memory; DETACH {alias}";
                try
                {
                    Execute(connection, detach);
                }
                catch (DuckDBException)
                {
                    TryExecute(connection, "ROLLBACK");
                    Execute(connection, detach);
                }
            }
        }
        finally
        {
            connection.Dispose();
            Release(shared.Instance);
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
    /// <c>checkpoint_threshold</c>. The setting is the instance's: a shared instance sets it once, on its keeper.
    /// </summary>
    private static void SkipCheckpointOnClose(DuckDBConnection connection) =>
        Execute(connection, "PRAGMA disable_checkpoint_on_shutdown");

    /// <summary>The shared instance for <paramref name="lockedTo"/> (created when missing) and a new connection to it.</summary>
    /// <remarks>
    /// The connection is made outside <see cref="_gate"/>, which is process-wide: DuckDB.NET connects under a lock of
    /// the instance, which its closes also take, so connecting under the gate would make every store opening in the
    /// process wait for a close in any instance (and a close once waited on its checkpoint's disk syncs, docs/adr/0036).
    /// The count taken under the gate keeps the keeper open meanwhile.
    /// </remarks>
    private static (SharedInstance Instance, DuckDBConnection Connection) Acquire(string key, string? lockedTo)
    {
        var instance = Reserve(key, lockedTo);
        DuckDBConnection? connection = null;
        try
        {
            // DuckDB.NET duplicates an open in-memory connection onto the same instance (a new DuckDB connection).
            connection = instance.Keeper.Duplicate();
            if (connection.State != System.Data.ConnectionState.Open)
            {
                connection.Open();
            }

            return (instance, connection);
        }
        catch
        {
            connection?.Dispose();
            Release(instance);
            throw;
        }
    }

    /// <summary>A new in-memory instance's keeper connection, configured (and, for a folder, locked down) before any store attaches.</summary>
    /// <param name="lockedTo">The folder the instance's files are limited to, or null.</param>
    /// <param name="spill">The instance's own folder for what it spills past its <c>memory_limit</c>.</param>
    private static DuckDBConnection CreateInstance(string? lockedTo, string spill)
    {
        var keeper = OpenConnection(Connection(":memory:"));
        try
        {
            SkipCheckpointOnClose(keeper);
            // An in-memory instance spills to ".tmp" in the process's working directory by default: a person's rows
            // would land wherever the host was started, and two instances would share (and delete) each other's files.
            Execute(keeper, $"SET temp_directory = {DuckDbLiteral.Of(spill)}");
            Execute(keeper, $"SET checkpoint_threshold = '{SharedCheckpointThreshold}'");
            Execute(keeper, $"SET memory_limit = '{SharedInstanceMemoryLimitMegabytes}MB'");
            // DuckDB keeps what it read of external files (the learners' Parquet fragments) in its buffer pool. A
            // fragment is read once, when it is folded into the in-memory version index or consolidated, and a
            // consolidated fragment is deleted: the cache only grew, +8 MB/min for 100 paced users in a soak, until
            // it pushed table blocks out at the memory limit (docs/adr/0059).
            Execute(keeper, "SET enable_external_file_cache = false");
            foreach (var setting in MeasurementSettings)
            {
                Execute(keeper, setting);
            }

            if (lockedTo is not null)
            {
                // Order matters: the folder is allowed before external access is turned off, and the configuration is
                // locked last, after which no connection of this instance can change any of it.
                // max_vacuum_tasks stays DuckDB's: unlike a store with an instance of its own (docs/adr/0022), these
                // stores checkpoint every 256 KB of log, and without vacuum each checkpoint left one more row group of
                // a few hundred rows whose ~64 KB of metadata stays in the heap while the file is attached (docs/adr/0051).
                var folder = Path.TrimEndingDirectorySeparator(lockedTo) + Path.DirectorySeparatorChar;
                var spillFolder = Path.TrimEndingDirectorySeparator(spill) + Path.DirectorySeparatorChar;
                Execute(keeper, $"SET allowed_directories = [{DuckDbLiteral.Of(folder)}, {DuckDbLiteral.Of(spillFolder)}]");
                Execute(keeper, "SET enable_external_access = false");
                Execute(keeper, "SET lock_configuration = true");
            }

            return keeper;
        }
        catch
        {
            keeper.Dispose();
            DeleteSpillFolder(spill);
            throw;
        }
    }

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

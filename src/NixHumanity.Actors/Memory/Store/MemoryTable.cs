using System.Globalization;
using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The DuckDB side of <see cref="VectorMemoryStore"/>: the schema (<c>store_meta</c>, <c>projection_checkpoint</c>,
/// <c>versions</c>, <c>command_embeddings</c>), the reads that rebuild the in-memory view and each write as one
/// transaction. It keeps no state besides the connection; the store decides what to write.
/// </summary>
internal sealed partial class MemoryTable : IDisposable
{
    /// <summary>Receives one row and its vector; the vector's memory is reused for the next row.</summary>
    public delegate void RowReader(MemoryEntry entry, ReadOnlySpan<float> vector);

    /// <summary>
    /// Schema 3 numbers versions by journal sequence number, one per applied event (docs/adr/0031); each vector is one
    /// BLOB of its little-endian float32 values since schema 2 (docs/adr/0022), as many as <c>store_meta.dimensions</c>
    /// (the embedder's dimension, 384 for every file written before other dimensions were allowed; docs/adr/0032).
    /// </summary>
    private const int SchemaVersion = 3;

    /// <summary>Schema 2 numbered versions by applied batch; <see cref="CreateSchema"/> renumbers them.</summary>
    private const int BatchVersionSchemaVersion = 2;

    /// <summary>Schema 1 stored each vector as a <c>FLOAT[384]</c> array; <see cref="CreateSchema"/> upgrades it.</summary>
    private const int ArrayVectorSchemaVersion = 1;

    /// <summary>The columns of <c>command_embeddings</c> (also the soak's isolated replay of these writes).</summary>
    internal const string RowsTableColumns =
        """
        row_id BIGINT NOT NULL, ord INTEGER NOT NULL, id VARCHAR NOT NULL, vector BLOB NOT NULL,
        command VARCHAR NOT NULL, text VARCHAR NOT NULL, intent VARCHAR,
        success_rate DOUBLE NOT NULL, user_satisfaction DOUBLE, satisfaction_sum DOUBLE NOT NULL,
        satisfaction_count BIGINT NOT NULL, confidence DOUBLE, attempts BIGINT NOT NULL, successes BIGINT NOT NULL,
        embedder VARCHAR NOT NULL, sequence_nr BIGINT NOT NULL, created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL, version_from BIGINT NOT NULL, version_to BIGINT
        """;

    /// <summary>
    /// Closed rows per <see cref="CloseRowsStatement"/>: a live batch closes at most one row per memory it touches, a
    /// catch-up batch of 1,024 events at most that many; the <c>CASE</c> is tried in order, so a chunk stays small.
    /// </summary>
    private const int ClosedRowsPerStatement = 256;

    private readonly DuckDBConnection _connection;
    private readonly bool _lockedByInstance;

    /// <summary>
    /// The name of the store's own database in its DuckDB instance (its alias when attached to a shared instance, the
    /// file's name when the instance is its own), quoted: the prefilter's query names it explicitly (docs/adr/0036).
    /// </summary>
    private string _database = "";

    private MemoryTable(string path, DuckDBConnection connection, int dimensions, bool lockedByInstance)
    {
        Path = path;
        _connection = connection;
        Dimensions = dimensions;
        _lockedByInstance = lockedByInstance;
    }

    /// <summary>The DuckDB file.</summary>
    public string Path { get; }

    /// <summary>Components of the vectors this table writes and reads (the embedder's dimension).</summary>
    public int Dimensions { get; }

    /// <summary>Opens the file at the full path <paramref name="path"/>, creating its folder.</summary>
    /// <param name="path">The file.</param>
    /// <param name="dimensions">The embedder's dimension: a new file records it; vectors are written and read with it.</param>
    /// <param name="sharedInstanceFolder">
    /// Null: the file gets a DuckDB instance of its own, locked down by <see cref="LockDown"/>. A folder holding
    /// <paramref name="path"/>: the file is attached to the instance the stores under that folder share, configured and
    /// locked down when it was created (<see cref="PerUserDuckDb.OpenShared"/>, docs/adr/0036).
    /// </param>
    public static MemoryTable Open(string path, int dimensions, string? sharedInstanceFolder = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var table = sharedInstanceFolder is null
            ? new MemoryTable(path, PerUserDuckDb.Open(path), dimensions, lockedByInstance: false)
            : new MemoryTable(path, PerUserDuckDb.OpenShared(path, lockedTo: sharedInstanceFolder), dimensions, lockedByInstance: true);
        try
        {
            if (!table._lockedByInstance)
            {
                // Rows are only appended (and closed or deleted by compaction): without this, every automatic
                // checkpoint merged the small row groups that batch commits leave and rewrote them, so a 100k store
                // carried 70-90 MB of freed blocks and its inserts paid for the rewrites (docs/adr/0022). A shared
                // instance keeps the merge: it checkpoints every 256 KB of log, and an unmerged row group per
                // checkpoint kept its metadata in the heap while the file stayed attached (docs/adr/0051).
                table.Execute("SET max_vacuum_tasks = 0");
            }

            using (var command = table._connection.CreateCommand())
            {
                command.CommandText = "SELECT current_database()";
                table._database = QuotedIdentifier(Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture)!);
            }

            return table;
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the tables if missing, with version 0 (empty) and checkpoint 0 stamped by <paramref name="clock"/>, and
    /// upgrades a file written with an older schema, one step per transaction: schema 1 (vectors as
    /// <c>FLOAT[384]</c>) to 2, schema 2 (versions numbered by batch) to 3.
    /// </summary>
    public void CreateSchema(TimeProvider clock)
    {
        CreateTables(clock);
        if (ExecuteScalarLong("SELECT schema_version FROM store_meta") == ArrayVectorSchemaVersion)
        {
            UpgradeArrayVectors();
        }

        if (ExecuteScalarLong("SELECT schema_version FROM store_meta") == BatchVersionSchemaVersion)
        {
            RenumberVersionsBySequence();
        }
    }

    private void CreateTables(TimeProvider clock)
    {
        using var transaction = _connection.BeginTransaction();
        Execute("CREATE TABLE IF NOT EXISTS store_meta(schema_version INTEGER NOT NULL, dimensions INTEGER NOT NULL, embedder VARCHAR, oldest_readable_version BIGINT NOT NULL)");
        Execute("CREATE TABLE IF NOT EXISTS projection_checkpoint(sequence_nr BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL)");
        // Added without a schema step: a file from before has no fingerprint, and its first batch writes one.
        Execute("ALTER TABLE projection_checkpoint ADD COLUMN IF NOT EXISTS event_fingerprint VARCHAR");
        Execute("CREATE TABLE IF NOT EXISTS versions(version BIGINT NOT NULL, created_at TIMESTAMP NOT NULL, description VARCHAR NOT NULL, sequence_nr BIGINT NOT NULL, rows_written INTEGER NOT NULL)");
        Execute($"CREATE TABLE IF NOT EXISTS command_embeddings({RowsTableColumns})");
        if (ExecuteScalarLong("SELECT count(*) FROM store_meta") == 0)
        {
            var at = clock.GetUtcNow().UtcDateTime;
            Execute("INSERT INTO store_meta VALUES ($schema, $dims, NULL, 0)", ("schema", SchemaVersion), ("dims", Dimensions));
            Execute("INSERT INTO projection_checkpoint(sequence_nr, updated_at) VALUES (0, $at)", ("at", at));
            Execute("INSERT INTO versions VALUES (0, $at, 'created (empty)', 0, 0)", ("at", at));
        }

        transaction.Commit();
    }

    /// <summary>The stored embedder, oldest readable version and vector dimension, after checking the schema.</summary>
    /// <exception cref="InvalidDataException">The file was written by an incompatible schema.</exception>
    public (string? EmbedderId, long OldestReadableVersion, int Dimensions) ReadMeta()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT schema_version, dimensions, embedder, oldest_readable_version FROM store_meta";
        using var reader = command.ExecuteReader();
        reader.Read();
        var schema = reader.GetInt32(0);
        var dims = reader.GetInt32(1);
        if (schema != SchemaVersion || dims is < 1 or > QuantizedRows.MaxDimensions)
        {
            throw new InvalidDataException(
                $"{Path}: schema {schema} with {dims} dimensions is not the expected schema {SchemaVersion} with 1..{QuantizedRows.MaxDimensions}; delete the file to rebuild it from the journal");
        }

        return (reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), dims);
    }

    /// <summary>Records <see cref="Dimensions"/> as the file's dimension (a file without vectors, or being reset).</summary>
    public void WriteDimensions() => Execute("UPDATE store_meta SET dimensions = $dims", ("dims", Dimensions));

    /// <summary>The last applied journal sequence number.</summary>
    public long ReadCheckpoint() => ExecuteScalarLong("SELECT sequence_nr FROM projection_checkpoint");

    /// <summary>The fingerprint of the event at the checkpoint, or null when none was recorded (an older file, or
    /// checkpoint 0).</summary>
    public string? ReadCheckpointFingerprint()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT event_fingerprint FROM projection_checkpoint";
        return command.ExecuteScalar() as string;
    }

    /// <summary>The row id the next appended row gets.</summary>
    public long ReadNextRowId() => ExecuteScalarLong("SELECT coalesce(max(row_id), -1) + 1 FROM command_embeddings");

    /// <summary>How many rows the live version has.</summary>
    public int CountLiveRows() => (int)ExecuteScalarLong("SELECT count(*) FROM command_embeddings WHERE version_to IS NULL");

    /// <summary>
    /// Calls <paramref name="row"/> with every live row and its vector, in storage order: the caller places rows by
    /// ordinal, which is cheaper than asking DuckDB to sort 100k rows with their vectors.
    /// </summary>
    public void ReadLiveRows(RowReader row) =>
        ReadRows($"SELECT {MemoryEntry.Columns}, vector FROM command_embeddings WHERE version_to IS NULL", null, row);

    /// <summary>Calls <paramref name="row"/> with every row visible at <paramref name="version"/>, in ordinal order.</summary>
    public void ReadRowsAt(long version, RowReader row) =>
        ReadRows(
            $"SELECT {MemoryEntry.Columns}, vector FROM command_embeddings WHERE version_from <= $version AND (version_to IS NULL OR version_to > $version) ORDER BY ord",
            version,
            row);

    /// <summary>Turns off file access and locks the configuration for the rest of the connection's life.</summary>
    public void LockDown()
    {
        if (_lockedByInstance)
        {
            // The shared instance was locked down before any file was attached to it.
            return;
        }

        // Locked last: from here on nothing — least of all a prefilter — can read files, attach or change settings.
        Execute("SET enable_external_access = false");
        Execute("SET lock_configuration = true");
    }

    /// <summary>Writes the write-ahead log into the file (DuckDB <c>CHECKPOINT</c>).</summary>
    public void Flush() => Execute("CHECKPOINT");

    /// <summary>Stores <paramref name="sequenceNr"/> as the checkpoint with the fingerprint of its event (null when not
    /// known), in the caller's transaction or its own.</summary>
    public void WriteCheckpoint(long sequenceNr, DateTimeOffset at, string? fingerprint) =>
        Execute(
            "UPDATE projection_checkpoint SET sequence_nr = $seq, updated_at = $at, event_fingerprint = $fingerprint",
            ("seq", sequenceNr), ("at", at.UtcDateTime), ("fingerprint", (object?)fingerprint ?? DBNull.Value));

    /// <summary>
    /// Writes one upsert batch as one transaction: closes the superseded rows, appends the new row versions and the
    /// version records, moves the checkpoint and (for the first batch) records the embedder.
    /// </summary>
    /// <param name="write">What to write.</param>
    /// <param name="faultInjector">Test hook called before commit.</param>
    public void WriteBatch(BatchWrite write, Action<string>? faultInjector)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var chunk in write.ClosedRows.Chunk(ClosedRowsPerStatement))
        {
            Execute(CloseRowsStatement(chunk));
        }

        using (var appender = _connection.CreateAppender("command_embeddings"))
        {
            var bytes = new byte[VectorBytes.LengthOf(Dimensions)];
            foreach (var row in write.Rows)
            {
                AppendRow(appender, row.Entry, row.Vector, bytes, row.VersionFrom, row.VersionTo);
            }
        }

        using (var appender = _connection.CreateAppender("versions"))
        {
            foreach (var version in write.Versions)
            {
                AppendVersion(appender, version);
            }
        }

        WriteCheckpoint(write.Checkpoint, write.Versions[^1].CreatedAt, write.CheckpointFingerprint);
        if (write.NewEmbedderId is { } embedder)
        {
            Execute("UPDATE store_meta SET embedder = $embedder", ("embedder", embedder));
        }

        faultInjector?.Invoke("before-commit");
        transaction.Commit();
    }

    /// <summary>
    /// Closes <paramref name="rows"/> with a filter and a <c>CASE</c>, not a join: an <c>UPDATE … FROM (VALUES …)</c>
    /// built a hash table in DuckDB's temporary buffers at every batch, and each such buffer's handle stayed in the heap
    /// after the statement, held by the buffer pool's eviction queue until DuckDB purges it (~1.5 KB per batch in the
    /// soak's isolated replay; docs/adr/0059). Row ids and versions are our own integers, so inlining them is
    /// safe and keeps this to one statement per chunk.
    /// </summary>
    internal static string CloseRowsStatement(IReadOnlyCollection<(long RowId, long Version)> rows)
    {
        var cases = string.Join(' ', rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"WHEN {r.RowId} THEN {r.Version}")));
        var ids = string.Join(',', rows.Select(r => r.RowId.ToString(CultureInfo.InvariantCulture)));
        return $"UPDATE command_embeddings SET version_to = CASE row_id {cases} END WHERE row_id IN ({ids}) AND version_to IS NULL";
    }

    /// <summary>Test hook: runs raw SQL on the connection, bypassing every check.</summary>
    public object? ExecuteScalarUnvalidated(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <inheritdoc />
    public void Dispose() => PerUserDuckDb.Close(_connection);

    /// <summary><paramref name="name"/> as a double-quoted SQL identifier.</summary>
    private static string QuotedIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static DateTimeOffset Utc(DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    private static void AppendRow(DuckDBAppender appender, MemoryEntry entry, ReadOnlySpan<float> vector, byte[] bytes, long versionFrom, long? versionTo)
    {
        VectorBytes.Write(vector, bytes);
        var row = appender.CreateRow()
            .AppendValue(entry.RowId)
            .AppendValue(entry.Ord)
            .AppendValue(entry.Id)
            .AppendValue(bytes)
            .AppendValue(entry.Command)
            .AppendValue(entry.Text)
            .AppendValue(entry.Intent)
            .AppendValue(entry.SuccessRate)
            .AppendValue(entry.UserSatisfaction)
            .AppendValue(entry.SatisfactionSum)
            .AppendValue(entry.SatisfactionCount)
            .AppendValue(entry.Confidence)
            .AppendValue(entry.Attempts)
            .AppendValue(entry.Successes)
            .AppendValue(entry.EmbedderId)
            .AppendValue(entry.SequenceNr)
            .AppendValue(entry.CreatedAt.UtcDateTime)
            .AppendValue(entry.UpdatedAt.UtcDateTime)
            .AppendValue(versionFrom);
        (versionTo is { } to ? row.AppendValue(to) : row.AppendNullValue()).EndRow();
    }

    private void ReadRows(string sql, long? version, RowReader row)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        if (version is { } v)
        {
            command.Parameters.Add(new DuckDBParameter("version", v));
        }

        using var reader = command.ExecuteReader();
        var vector = new float[Dimensions];
        while (reader.Read())
        {
            var entry = MemoryEntry.Read(reader);
            using (var stream = reader.GetStream(MemoryEntry.ColumnCount))
            {
                VectorBytes.Read(stream, vector, Path);
            }

            row(entry, vector);
        }
    }

    private static void AppendVersion(DuckDBAppender appender, TableVersion version) =>
        appender.CreateRow()
            .AppendValue(version.Version)
            .AppendValue(version.CreatedAt.UtcDateTime)
            .AppendValue(version.Description)
            .AppendValue(version.SequenceNr)
            .AppendValue(version.RowsWritten)
            .EndRow();

    private void InsertVersion(TableVersion version) =>
        Execute(
            "INSERT INTO versions VALUES ($version, $created, $description, $seq, $rows)",
            ("version", version.Version),
            ("created", version.CreatedAt.UtcDateTime),
            ("description", version.Description),
            ("seq", version.SequenceNr),
            ("rows", version.RowsWritten));

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        command.ExecuteNonQuery();
    }

    private long ExecuteScalarLong(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}

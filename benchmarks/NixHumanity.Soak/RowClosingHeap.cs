using System.Globalization;
using DuckDB.NET.Data;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Soak;

/// <summary>
/// An isolated measurement of what a memory store's writes leave in glibc's heap (docs/adr/0059): one DuckDB instance
/// configured like the memories' shared instance (256 KB checkpoint threshold, 16 KB blocks, row groups of at most
/// 2,048 rows), <c>stores</c> files attached to it, and per round and store one batch as <c>MemoryTable.WriteBatch</c>
/// writes it: the rows the batch supersedes closed, the new row versions (eight memories updated in turn, a 1,536-byte
/// vector each) and their version records appended, in one transaction. Prints the heap in use every tenth of the run,
/// after every store is detached, and after they are attached and read again.
/// <c>row-closing STORES ROUNDS EVENTS_PER_BATCH FORM [MEMORY_LIMIT]</c>: FORM is <c>filter</c> (the product's
/// <see cref="MemoryTable.CloseRowsStatement"/>) or <c>join</c> (the <c>UPDATE … FROM (VALUES …)</c> it replaced).
/// </summary>
internal static class RowClosingHeap
{
    private const int Memories = 8;

    public static int Run(IReadOnlyList<string> args)
    {
        var stores = int.Parse(args[1], CultureInfo.InvariantCulture);
        var rounds = int.Parse(args[2], CultureInfo.InvariantCulture);
        var eventsPerBatch = int.Parse(args[3], CultureInfo.InvariantCulture);
        var join = args[4] switch
        {
            "join" => true,
            "filter" => false,
            _ => throw new ArgumentException($"FORM must be filter or join, not {args[4]}"),
        };
        var folder = Directory.CreateTempSubdirectory("nixh-row-closing-").FullName;
        try
        {
            using var keeper = new DuckDBConnection("Data Source=:memory:;threads=1");
            keeper.Open();
            Execute(keeper, "SET checkpoint_threshold = '256KB'");
            Execute(keeper, $"SET memory_limit = '{(args.Count > 5 ? args[5] : "1024MB")}'");
            var writers = Enumerable.Range(0, stores).Select(s => new Writer(keeper, Path.Combine(folder, $"m{s}.duckdb"), s)).ToList();
            Print("start", writers.Count, 0);
            for (var round = 1; round <= rounds; round++)
            {
                writers.ForEach(w => w.WriteBatch(eventsPerBatch, join));
                if (round % Math.Max(1, rounds / 10) == 0)
                {
                    Print($"round {round}", writers.Count, writers[0].Rows);
                }
            }

            writers.ForEach(w => w.Detach());
            Print("every store detached", writers.Count, writers[0].Rows);
            writers.ForEach(w => w.Attach(create: false));
            writers.ForEach(w => w.ReadAll());
            Print("attached again and read", writers.Count, writers[0].Rows);
            writers.ForEach(w => w.Detach());
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Print(string label, int stores, long rowsPerStore) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: rows {stores * rowsPerStore} malloc_used={MallocInfo.Read().InUse}"));

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>One store: its attachment and the row id of each memory's live version.</summary>
    private sealed class Writer
    {
        private static int _aliases;
        private readonly DuckDBConnection _keeper;
        private readonly string _path;
        private readonly long[] _live = Enumerable.Repeat(-1L, Memories).ToArray();
        private readonly byte[][] _vectors;
        private DuckDBConnection? _connection;
        private string _alias = "";
        private long _sequenceNr;

        public Writer(DuckDBConnection keeper, string path, int seed)
        {
            _keeper = keeper;
            _path = path;
            var random = new Random(seed);
            _vectors = [.. Enumerable.Range(0, Memories).Select(_ => { var bytes = new byte[1536]; random.NextBytes(bytes); return bytes; })];
            Attach(create: true);
            Execute(Connection, $"CREATE TABLE command_embeddings({MemoryTable.RowsTableColumns})");
            Execute(Connection, "CREATE TABLE versions(version BIGINT NOT NULL, created_at TIMESTAMP NOT NULL, description VARCHAR NOT NULL, sequence_nr BIGINT NOT NULL, rows_written INTEGER NOT NULL)");
        }

        public long Rows { get; private set; }

        private DuckDBConnection Connection => _connection ?? throw new InvalidOperationException("detached");

        public void Attach(bool create)
        {
            _alias = $"store_{Interlocked.Increment(ref _aliases)}";
            _connection = _keeper.Duplicate();
            _connection.Open();
            Execute(_connection, $"ATTACH '{_path}' AS {_alias} ({(create ? "BLOCK_SIZE 16384, " : "")}ROW_GROUP_SIZE 2048)");
            Execute(_connection, $"USE {_alias}");
        }

        public void Detach()
        {
            Execute(Connection, $"USE memory; DETACH {_alias}");
            Connection.Dispose();
            _connection = null;
        }

        public void ReadAll()
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT count(*) FILTER (WHERE version_to IS NULL), max(row_id), sum(octet_length(vector)) FROM command_embeddings";
            command.ExecuteScalar();
        }

        /// <summary>One batch of <paramref name="events"/> events, each updating the next memory in turn.</summary>
        public void WriteBatch(int events, bool join)
        {
            var closed = new List<(long RowId, long Version)>();
            var appended = new List<(int Memory, long RowId, long Version, long? To)>();
            for (var e = 0; e < events; e++)
            {
                var memory = (int)(_sequenceNr % Memories);
                var version = ++_sequenceNr;
                var superseded = appended.FindIndex(a => a.RowId == _live[memory]);
                if (superseded >= 0)
                {
                    appended[superseded] = appended[superseded] with { To = version };
                }
                else if (_live[memory] >= 0)
                {
                    closed.Add((_live[memory], version));
                }

                appended.Add((memory, Rows, version, null));
                _live[memory] = Rows++;
            }

            using var transaction = Connection.BeginTransaction();
            if (closed.Count > 0)
            {
                Execute(Connection, join
                    ? $"UPDATE command_embeddings SET version_to = closing.version FROM (VALUES {string.Join(',', closed.Select(c => $"({c.RowId},{c.Version})"))}) AS closing(row_id, version) WHERE command_embeddings.row_id = closing.row_id AND command_embeddings.version_to IS NULL"
                    : MemoryTable.CloseRowsStatement(closed));
            }

            var now = DateTime.UtcNow;
            using (var rows = Connection.CreateAppender("command_embeddings"))
            {
                foreach (var (memory, rowId, version, to) in appended)
                {
                    var row = rows.CreateRow().AppendValue(rowId).AppendValue(memory).AppendValue($"cmd-{memory:x16}").AppendValue(_vectors[memory])
                        .AppendValue($"nix-env -iA nixpkgs.p{memory}").AppendValue($"install p{memory}").AppendNullValue().AppendValue(1.0).AppendNullValue()
                        .AppendValue(0.0).AppendValue(0L).AppendNullValue().AppendValue(version).AppendValue(version).AppendValue("ngram")
                        .AppendValue(version).AppendValue(now).AppendValue(now).AppendValue(version);
                    (to is { } t ? row.AppendValue(t) : row.AppendNullValue()).EndRow();
                }
            }

            using (var versions = Connection.CreateAppender("versions"))
            {
                foreach (var (_, _, version, _) in appended)
                {
                    versions.CreateRow().AppendValue(version).AppendValue(now).AppendValue("applied").AppendValue(version).AppendValue(1).EndRow();
                }
            }

            transaction.Commit();
        }
    }
}

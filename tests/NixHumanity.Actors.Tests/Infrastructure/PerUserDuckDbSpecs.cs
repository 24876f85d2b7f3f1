using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Infrastructure;

public sealed class PerUserDuckDbSpecs : IDisposable
{
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Per_user_stores_run_DuckDB_with_a_single_worker_thread()
    {
        using var connection = PerUserDuckDb.Connection(":memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_setting('threads')";

        Convert.ToInt64(command.ExecuteScalar()).Should().Be(1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Closing_a_store_leaves_its_commits_in_the_write_ahead_log_and_the_next_open_replays_them(bool shared)
    {
        // A stopping node closes every user's stores: closing must not checkpoint (docs/benchmarks.md, "Stop and start"),
        // and nothing committed may be lost by it.
        var path = Path.Combine(_temp.Path, $"store-{shared}.duckdb");
        var first = Open(path, shared);
        Execute(first, "CREATE TABLE t (i INTEGER)");
        Execute(first, "INSERT INTO t SELECT * FROM range(1000)");
        PerUserDuckDb.Close(first);

        File.Exists(path + ".wal").Should().BeTrue("the close did not fold the log into the file");
        new FileInfo(path + ".wal").Length.Should().BeGreaterThan(0);

        var second = Open(path, shared);
        try
        {
            Scalar(second, "SELECT COUNT(*) FROM t").Should().Be(1000);
            Scalar(second, "SELECT CAST(SUM(i) AS BIGINT) FROM t").Should().Be(999 * 1000 / 2);
        }
        finally
        {
            PerUserDuckDb.Close(second);
        }
    }

    [Fact]
    public void A_store_file_created_on_a_shared_instance_has_small_blocks_and_an_existing_file_keeps_its_own()
    {
        // Small blocks keep a checkpointed store's buffers small (docs/adr/0039); a file's block size is fixed when
        // it is created, so a file made with DuckDB's default must still open.
        var created = Path.Combine(_temp.Path, "created.duckdb");
        var connection = PerUserDuckDb.OpenShared(created);
        try
        {
            Execute(connection, "CREATE TABLE t AS SELECT * FROM range(100) r(i)");
            Execute(connection, "CHECKPOINT");
            Scalar(connection, "SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()")
                .Should().Be(PerUserDuckDb.NewFileBlockSize);
        }
        finally
        {
            PerUserDuckDb.Close(connection);
        }

        var existing = Path.Combine(_temp.Path, "existing.duckdb");
        using (var own = PerUserDuckDb.Connection(existing))
        {
            own.Open();
            Execute(own, "CREATE TABLE t AS SELECT * FROM range(100) r(i)");
            Execute(own, "CHECKPOINT");
        }

        var reopened = PerUserDuckDb.OpenShared(existing);
        try
        {
            Scalar(reopened, "SELECT COUNT(*) FROM t").Should().Be(100);
            Scalar(reopened, "SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()")
                .Should().Be(256 * 1024, "DuckDB's default, kept by the file");
        }
        finally
        {
            PerUserDuckDb.Close(reopened);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Closing_a_shared_store_with_a_transaction_left_open_detaches_its_file_and_keeps_only_what_was_committed(bool aborted)
    {
        // The close detaches without a rollback first (a rollback without a transaction throws, which cost a stopping
        // node ~30 % of its store-thread time); a transaction left open by a failure must still not keep the file attached.
        var other = PerUserDuckDb.OpenShared(Path.Combine(_temp.Path, $"other-{aborted}.duckdb"));
        try
        {
            // Another store keeps the shared instance open, so a file still attached would make the reopen below fail.
            var path = Path.Combine(_temp.Path, $"open-transaction-{aborted}.duckdb");
            var first = PerUserDuckDb.OpenShared(path);
            Execute(first, "CREATE TABLE t (i INTEGER)");
            Execute(first, "INSERT INTO t VALUES (1)");
            Execute(first, "BEGIN TRANSACTION");
            Execute(first, "INSERT INTO t VALUES (2)");
            if (aborted)
            {
                var failing = () => Execute(first, "INSERT INTO t VALUES ('not a number')");
                failing.Should().Throw<DuckDBException>();
            }

            PerUserDuckDb.Close(first);

            var second = PerUserDuckDb.OpenShared(path);
            try
            {
                Scalar(second, "SELECT COUNT(*) FROM t").Should().Be(1, "the open transaction's row was never committed");
            }
            finally
            {
                PerUserDuckDb.Close(second);
            }
        }
        finally
        {
            PerUserDuckDb.Close(other);
        }
    }

    [Fact]
    public void A_store_closed_while_its_node_stops_leaves_its_file_to_the_instance_and_opens_again_with_every_commit()
    {
        // A stopping node closes its stores inside LeaveFilesAttached: the file is not detached (that was most of a
        // 1,000-user stop), the instance closes it with its last store. An instance that lives on (another actor system
        // of the process) detaches the file when a store opens it again; nothing committed is lost either way.
        var folder = Directory.CreateDirectory(Path.Combine(_temp.Path, "left-attached")).FullName;
        var path = Path.Combine(folder, "store.duckdb");
        var other = PerUserDuckDb.OpenShared(Path.Combine(folder, "other.duckdb"), folder);
        try
        {
            var first = PerUserDuckDb.OpenShared(path, folder);
            var alias = Text(first, "SELECT current_database()");
            Execute(first, "CREATE TABLE t (i INTEGER)");
            Execute(first, "INSERT INTO t SELECT * FROM range(1000)");
            using (PerUserDuckDb.LeaveFilesAttached())
            {
                PerUserDuckDb.Close(first);
            }

            Attached(other, alias).Should().BeTrue("the close inside the scope left the file attached");

            var second = PerUserDuckDb.OpenShared(path, folder);
            var secondAlias = Text(second, "SELECT current_database()");
            Scalar(second, "SELECT COUNT(*) FROM t").Should().Be(1000);
            Attached(other, alias).Should().BeFalse("opening the file again detached what the stopped store left");
            Execute(second, "INSERT INTO t SELECT * FROM range(1000, 1500)");
            PerUserDuckDb.Close(second);
            Attached(other, secondAlias).Should().BeFalse("outside the scope a close detaches, as before");
        }
        finally
        {
            PerUserDuckDb.Close(other);
        }

        // The last store of its instance, closed inside the scope: the instance closes with the file attached.
        var last = PerUserDuckDb.OpenShared(path, folder);
        Execute(last, "INSERT INTO t SELECT * FROM range(1500, 2000)");
        using (PerUserDuckDb.LeaveFilesAttached())
        {
            PerUserDuckDb.Close(last);
        }

        new FileInfo(path + ".wal").Length.Should().BeGreaterThan(0, "neither close checkpointed");
        var reopened = PerUserDuckDb.OpenShared(path, folder);
        try
        {
            Scalar(reopened, "SELECT COUNT(*) FROM t").Should().Be(2000);
            Scalar(reopened, "SELECT CAST(SUM(i) AS BIGINT) FROM t").Should().Be(1999 * 2000 / 2);
        }
        finally
        {
            PerUserDuckDb.Close(reopened);
        }
    }

    [Fact]
    public void A_store_closed_while_a_node_stops_with_its_process_leaves_the_instance_open_and_a_later_store_reuses_it_with_every_commit()
    {
        // The nixh executable's node stops and its process ends: the instance's close would only free memory (no
        // checkpoint, nothing written), so the last store's close leaves it open with the file attached (ADR 0058).
        // Should a store of the same process open the file again, it reuses the instance, and nothing committed is lost.
        var folder = Directory.CreateDirectory(Path.Combine(_temp.Path, "left-open")).FullName;
        var path = Path.Combine(folder, "store.duckdb");
        var first = PerUserDuckDb.OpenShared(path, folder);
        var alias = Text(first, "SELECT current_database()");
        Execute(first, "CREATE TABLE t (i INTEGER)");
        Execute(first, "INSERT INTO t SELECT * FROM range(1000)");
        using (PerUserDuckDb.LeaveFilesAttached(leaveInstanceOpen: true))
        {
            PerUserDuckDb.Close(first);
        }

        PerUserDuckDb.OpenInstanceKeys().Should().Contain(folder, "the instance was left open for the process's exit");

        var second = PerUserDuckDb.OpenShared(path, folder);
        try
        {
            Attached(second, alias).Should().BeFalse("the store reused the instance and attached its file afresh");
            Scalar(second, "SELECT COUNT(*) FROM t").Should().Be(1000);
            Execute(second, "INSERT INTO t SELECT * FROM range(1000, 1500)");
        }
        finally
        {
            PerUserDuckDb.Close(second);
        }

        PerUserDuckDb.OpenInstanceKeys().Should().NotContain(folder, "outside the scope the last store closes its instance, as before");
        var reopened = PerUserDuckDb.OpenShared(path, folder);
        try
        {
            Scalar(reopened, "SELECT COUNT(*) FROM t").Should().Be(1500);
        }
        finally
        {
            PerUserDuckDb.Close(reopened);
        }
    }

    [Fact]
    public async Task While_one_data_directorys_instance_closes_another_data_directorys_stores_open_and_close()
    {
        // An instance's close took seconds at 1,000 users (docs/adr/0047, amendment 2). It runs outside the
        // process-wide gate, so it holds neither the stores of another data directory (another node of the process) nor
        // the other instance of a stopping node, whose close then runs beside it instead of after it.
        var closingFolder = Directory.CreateDirectory(Path.Combine(_temp.Path, "closing")).FullName;
        var otherFolder = Directory.CreateDirectory(Path.Combine(_temp.Path, "other")).FullName;
        var last = PerUserDuckDb.OpenShared(Path.Combine(closingFolder, "store.duckdb"), closingFolder);
        Execute(last, "CREATE TABLE t (i INTEGER)");
        using var closing = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        PerUserDuckDb.ClosingInstance = key =>
        {
            if (key == closingFolder)
            {
                closing.Set();
                resume.Wait();
            }
        };

        Task closeLast;
        try
        {
            closeLast = Task.Run(() => PerUserDuckDb.Close(last));
            closing.Wait();

            var other = Task.Run(() =>
            {
                var store = PerUserDuckDb.OpenShared(Path.Combine(otherFolder, "store.duckdb"), otherFolder);
                Execute(store, "CREATE TABLE t (i INTEGER)");
                Execute(store, "INSERT INTO t VALUES (1)");
                PerUserDuckDb.Close(store);
            });

            // The bound only ends a failing run (the other store waiting for the held close); a passing one returns
            // as soon as the other store has closed.
            var finished = await Task.WhenAny(other, Task.Delay(TimeSpan.FromMinutes(2)));
            finished.Should().BeSameAs(other, "another data directory's store opened, wrote and closed while the instance was closing");
            await other;
            closeLast.IsCompleted.Should().BeFalse("the instance's close was still held");
        }
        finally
        {
            resume.Set();
            PerUserDuckDb.ClosingInstance = null;
        }

        await closeLast;
        var reopened = PerUserDuckDb.OpenShared(Path.Combine(closingFolder, "store.duckdb"), closingFolder);
        try
        {
            Scalar(reopened, "SELECT COUNT(*) FROM t").Should().Be(0, "the closed instance's file opens again");
        }
        finally
        {
            PerUserDuckDb.Close(reopened);
        }
    }

    private static bool Attached(DuckDBConnection connection, string alias) =>
        Scalar(connection, $"SELECT COUNT(*) FROM duckdb_databases() WHERE database_name = '{alias}'") == 1;

    [Fact]
    public void A_shared_instance_keeps_nothing_of_the_Parquet_files_it_reads()
    {
        // DuckDB's external file cache kept every fragment a learner read in the buffer pool, though each is read
        // once (into the version index, or to be consolidated and deleted): a soak's learners' instance grew by
        // +8 MB/min of it (docs/adr/0059).
        var users = Directory.CreateDirectory(Path.Combine(_temp.Path, "users")).FullName;
        var fragment = Path.Combine(users, "fragment.parquet");
        var connection = PerUserDuckDb.OpenLearnerShared(":memory:", users);
        try
        {
            Text(connection, "SELECT current_setting('enable_external_file_cache')::VARCHAR").Should().Be("false");
            using (var copy = connection.CreateCommand())
            {
                copy.CommandText = $"COPY (SELECT range AS feature, random() AS value FROM range(200000)) TO '{fragment}' (FORMAT parquet)";
                copy.ExecuteNonQuery();
            }

            Text(connection, $"SELECT count(*)::VARCHAR FROM read_parquet('{fragment}')").Should().Be("200000");
            Text(connection, "SELECT coalesce(sum(memory_usage_bytes), 0)::VARCHAR FROM duckdb_memory() WHERE tag = 'EXTERNAL_FILE_CACHE'")
                .Should().Be("0", "what was read of the file is not kept");
        }
        finally
        {
            PerUserDuckDb.Close(connection);
        }
    }

    [Fact]
    public void Each_shared_instance_spills_into_a_private_folder_of_its_own_that_goes_with_the_instance()
    {
        // By default an in-memory instance spills past its memory limit into ".tmp" in the working directory, shared by
        // every instance of the process (found by the soak at a 64 MB limit: one instance deleted another's file).
        var first = PerUserDuckDb.OpenShared(Path.Combine(_temp.Path, "a", "store.duckdb"), Directory.CreateDirectory(Path.Combine(_temp.Path, "a")).FullName);
        var second = PerUserDuckDb.OpenShared(Path.Combine(_temp.Path, "b", "store.duckdb"), Directory.CreateDirectory(Path.Combine(_temp.Path, "b")).FullName);
        string firstSpill, secondSpill;
        try
        {
            firstSpill = Text(first, "SELECT current_setting('temp_directory')");
            secondSpill = Text(second, "SELECT current_setting('temp_directory')");

            firstSpill.Should().NotBe(secondSpill);
            foreach (var spill in new[] { firstSpill, secondSpill })
            {
                Path.GetFullPath(spill).Should().StartWith(Path.GetFullPath(Path.GetTempPath()));
                Path.GetFullPath(spill).Should().NotStartWith(Path.GetFullPath(Environment.CurrentDirectory) + Path.DirectorySeparatorChar);
                Directory.Exists(spill).Should().BeTrue();
                if (!OperatingSystem.IsWindows())
                {
                    File.GetUnixFileMode(spill).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
        }
        finally
        {
            PerUserDuckDb.Close(first);
            PerUserDuckDb.Close(second);
        }

        Directory.Exists(firstSpill).Should().BeFalse("the folder goes with its instance's last store");
        Directory.Exists(secondSpill).Should().BeFalse();
    }

    private static string Text(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    private static DuckDBConnection Open(string path, bool shared) => shared ? PerUserDuckDb.OpenShared(path) : PerUserDuckDb.Open(path);

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Infrastructure;

public sealed class OutOfMemoryRetrySpecs : IDisposable
{
    private const string InsertBatch = "INSERT INTO t SELECT repeat(md5(i::VARCHAR), 32) FROM range(4000) r(i)";

    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_write_that_hits_the_memory_limit_is_checkpointed_and_retried_once_and_commits()
    {
        using var connection = LimitedStore(out var path);
        var batches = FillUntilOutOfMemory(connection);
        var retriesBefore = OutOfMemoryRetry.Retries;
        var checkpoints = 0;

        OutOfMemoryRetry.Run(
            () => Execute(connection, InsertBatch),
            () =>
            {
                checkpoints++;
                Execute(connection, "CHECKPOINT");
            });

        checkpoints.Should().Be(1, "the write failed at the limit and was retried after one checkpoint");
        OutOfMemoryRetry.Retries.Should().BeGreaterThan(retriesBefore);
        Count(connection).Should().Be((batches + 1) * 4000L, "every committed batch and the retried one are in the table, none twice");
        File.Exists(path).Should().BeTrue();
    }

    [Fact]
    public void A_write_that_fails_for_another_reason_is_not_retried()
    {
        using var connection = LimitedStore(out _);
        var checkpoints = 0;

        var act = () => OutOfMemoryRetry.Run(() => Execute(connection, "INSERT INTO missing VALUES (1)"), () => checkpoints++);

        act.Should().Throw<DuckDBException>();
        checkpoints.Should().Be(0);
    }

    private DuckDBConnection LimitedStore(out string path)
    {
        path = Path.Combine(_temp.Path, $"store-{Guid.NewGuid():N}.duckdb");
        var connection = PerUserDuckDb.Connection(path);
        connection.Open();
        // The smallest limit Projections.StoreMemoryLimitMegabytes allows; no automatic checkpoint and no spilling, so
        // committed rows stay in the log's in-memory segments, which the buffer manager cannot evict.
        Execute(connection, $"SET memory_limit = '64MB'");
        Execute(connection, "SET checkpoint_threshold = '16GB'");
        Execute(connection, "SET temp_directory = ''");
        Execute(connection, "CREATE TABLE t(payload VARCHAR NOT NULL)");
        return connection;
    }

    private static int FillUntilOutOfMemory(DuckDBConnection connection)
    {
        for (var batch = 0; batch < 1000; batch++)
        {
            try
            {
                Execute(connection, InsertBatch);
            }
            catch (DuckDBException failure) when (OutOfMemoryRetry.IsOutOfMemory(failure))
            {
                Count(connection).Should().Be(batch * 4000L, "the failed batch rolled back");
                return batch;
            }
        }

        throw new InvalidOperationException("the store never reached its memory limit");
    }

    private static long Count(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static int Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }
}

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

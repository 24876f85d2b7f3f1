using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Tests.Infrastructure;

public sealed class PerUserDuckDbSpecs
{
    [Fact]
    public void Per_user_stores_run_DuckDB_with_a_single_worker_thread()
    {
        using var connection = PerUserDuckDb.Connection(":memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_setting('threads')";

        Convert.ToInt64(command.ExecuteScalar()).Should().Be(1);
    }
}

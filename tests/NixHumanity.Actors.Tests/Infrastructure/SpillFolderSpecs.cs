using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Infrastructure;

/// <summary>
/// The spill folders of the shared DuckDB instances still open when the process exits (docs/adr/0051): what the exit
/// handler runs, called directly, since a spec cannot end its own process.
/// </summary>
public sealed class SpillFolderSpecs : IDisposable
{
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_spill_folder_of_an_instance_still_open_at_exit_is_deleted()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp.Path, "memories")).FullName;
        var store = PerUserDuckDb.OpenShared(Path.Combine(folder, "store.duckdb"), folder);
        try
        {
            var spill = Setting(store, "temp_directory");
            Directory.Exists(spill).Should().BeTrue("the instance made its folder when it was created");

            PerUserDuckDb.DeleteOpenInstancesSpillFolders();

            Directory.Exists(spill).Should().BeFalse("a process exiting with the instance still open leaves nothing in the temporary folder");
            Execute(store, "CREATE TABLE t AS SELECT * FROM range(10) r(i)");
            Setting(store, "temp_directory").Should().Be(spill, "the instance itself is left as it was");
        }
        finally
        {
            PerUserDuckDb.Close(store);
        }
    }

    private static string Setting(DuckDBConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT current_setting('{name}')";
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

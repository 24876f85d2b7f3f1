using Microsoft.Data.Sqlite;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Infrastructure;

/// <summary>The bound on SQLite's page caches that preparing the journal sets (docs/adr/0051).</summary>
public sealed class SqliteJournalHeapSpecs : IDisposable
{
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Preparing_the_journal_bounds_SQLites_heap_so_pooled_connections_reuse_cached_pages()
    {
        var connectionString = SqliteJournal.ConnectionStringFor(Path.Combine(_temp.Path, "journal", "journal.db"));

        SqliteJournal.Prepare(connectionString);

        // The limit is the process's: any connection reads it, the journal's pooled ones included.
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA soft_heap_limit";
        Convert.ToInt64(command.ExecuteScalar()).Should().Be(SqliteJournal.HeapLimitBytes);
    }
}

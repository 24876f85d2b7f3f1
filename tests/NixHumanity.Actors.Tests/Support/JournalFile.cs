using Microsoft.Data.Sqlite;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>Direct, read-only look at the SQLite journal file, independent of the actor system.</summary>
public static class JournalFile
{
    public static long CountRows(string databasePath, string table)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }
}

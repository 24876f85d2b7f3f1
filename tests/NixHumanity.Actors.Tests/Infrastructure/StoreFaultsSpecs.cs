using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Infrastructure;

public sealed class StoreFaultsSpecs : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Damaged_duckdb_files_are_classified_as_unreadable()
    {
        Classify(Garbage).Should().Be(StoreFaultKind.Unreadable);
        Classify(p => File.WriteAllBytes(p, [])).Should().Be(StoreFaultKind.Unreadable);
        Classify(p => Truncate(p, b => b[..(b.Length / 2)])).Should().Be(StoreFaultKind.Unreadable);
        Classify(p => Truncate(p, FlipEveryBlock)).Should().Be(StoreFaultKind.Unreadable);
    }

    [Fact]
    public void A_query_error_on_a_healthy_file_is_not_a_store_fault()
    {
        var path = Path.Combine(_dir.Path, "healthy.duckdb");
        MakeDatabase(path);
        using var connection = PerUserDuckDb.Connection(path);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM no_such_table";
        var error = Assert.ThrowsAny<DuckDBException>(() => command.ExecuteScalar());

        StoreFaults.Classify(error, path).Should().BeNull();
    }

    [Fact]
    public void Sqlite_result_codes_map_to_fault_kinds()
    {
        StoreFaults.Classify(new SqliteException("file is not a database", 26), "j.db")!.Kind.Should().Be(StoreFaultKind.Unreadable);
        StoreFaults.Classify(new SqliteException("database disk image is malformed", 11), "j.db")!.Kind.Should().Be(StoreFaultKind.Unreadable);
        StoreFaults.Classify(new SqliteException("database is locked", 5), "j.db")!.Kind.Should().Be(StoreFaultKind.Locked);
        StoreFaults.Classify(new SqliteException("database or disk is full", 13), "j.db")!.Kind.Should().Be(StoreFaultKind.DiskFull);
        StoreFaults.Classify(new SqliteException("constraint failed", 19), "j.db").Should().BeNull();
    }

    [Fact]
    public void The_fault_names_the_file_and_keeps_the_engines_exception()
    {
        var inner = new SqliteException("database is locked", 5);
        var fault = StoreFaults.Classify(inner, "/data/journal.db")!;

        fault.Path.Should().Be("/data/journal.db");
        fault.InnerException.Should().BeSameAs(inner);
        fault.Message.Should().StartWith("/data/journal.db: locked by another process");
    }

    private StoreFaultKind? Classify(Action<string> damage)
    {
        var path = Path.Combine(_dir.Path, $"{Guid.NewGuid():N}.duckdb");
        damage(path);
        try
        {
            using var connection = PerUserDuckDb.Connection(path);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM t";
            command.ExecuteScalar();
            return null;
        }
        catch (Exception ex)
        {
            return StoreFaults.Classify(ex, path)?.Kind;
        }
    }

    private static void Garbage(string path) => File.WriteAllBytes(path, Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray());

    private static void Truncate(string path, Func<byte[], byte[]> damage)
    {
        MakeDatabase(path);
        File.WriteAllBytes(path, damage(File.ReadAllBytes(path)));
    }

    private static byte[] FlipEveryBlock(byte[] bytes)
    {
        for (var i = 20_000; i < bytes.Length; i += 4096)
        {
            bytes[i] ^= 0xFF;
        }

        return bytes;
    }

    private static void MakeDatabase(string path)
    {
        using var connection = PerUserDuckDb.Connection(path);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(200000); CHECKPOINT;";
        command.ExecuteNonQuery();
    }
}

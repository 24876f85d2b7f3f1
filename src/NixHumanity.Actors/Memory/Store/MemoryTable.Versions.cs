using System.Globalization;
using DuckDB.NET.Data;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>The memory table's reads of its version records (<see cref="MemoryVersions"/> keeps only their bounds).</summary>
internal sealed partial class MemoryTable
{
    /// <summary>The version records, oldest first.</summary>
    public List<TableVersion> ReadVersions()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT version, created_at, description, sequence_nr, rows_written FROM versions ORDER BY version";
        using var reader = command.ExecuteReader();
        var versions = new List<TableVersion>();
        while (reader.Read())
        {
            versions.Add(new TableVersion(reader.GetInt64(0), Utc(reader.GetDateTime(1)), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4)));
        }

        return versions;
    }

    /// <summary>The oldest and the newest version record and how many there are (a file always has one).</summary>
    public (TableVersion Oldest, TableVersion Newest, int Count) ReadVersionBounds()
    {
        var count = (int)ExecuteScalarLong("SELECT count(*) FROM versions");
        return (ReadVersion("ORDER BY version LIMIT 1")!, ReadVersion("ORDER BY version DESC LIMIT 1")!, count);
    }

    /// <summary>How many version records lie before <paramref name="target"/>, and the first and last of them.</summary>
    public (int Count, TableVersion? First, TableVersion? Last) ReadVersionsBefore(long target) =>
        ((int)ExecuteScalarLong("SELECT count(*) FROM versions WHERE version < $target", ("target", target)),
            ReadVersion("WHERE version < $target ORDER BY version LIMIT 1", target),
            ReadVersion("WHERE version < $target ORDER BY version DESC LIMIT 1", target));

    /// <summary>The newest version at or before <paramref name="version"/>, or null when there is none.</summary>
    public long? ReadNewestVersionAtOrBefore(long version) =>
        ExecuteScalarNullableLong("SELECT max(version) FROM versions WHERE version <= $v", ("v", version));

    /// <summary>The newest version created at or before <paramref name="time"/> (whole microseconds), or null.</summary>
    public long? ReadNewestVersionCreatedBy(DateTimeOffset time) =>
        ExecuteScalarNullableLong("SELECT max(version) FROM versions WHERE created_at <= $t", ("t", time.UtcDateTime));

    private long? ExecuteScalarNullableLong(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        return command.ExecuteScalar() is { } scalar and not DBNull ? Convert.ToInt64(scalar, CultureInfo.InvariantCulture) : null;
    }

    private TableVersion? ReadVersion(string clause, long? target = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT version, created_at, description, sequence_nr, rows_written FROM versions {clause}";
        if (target is { } value)
        {
            command.Parameters.Add(new DuckDBParameter("target", value));
        }

        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new TableVersion(reader.GetInt64(0), Utc(reader.GetDateTime(1)), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4))
            : null;
    }
}

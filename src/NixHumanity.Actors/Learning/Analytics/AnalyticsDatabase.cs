using System.Globalization;
using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The one DuckDB connection to a learner's <c>analytics.duckdb</c> that every part of <see cref="AnalyticsStore"/>
/// shares, so that a projection batch, a fold or a transition update can each commit its rows and its watermark in
/// one transaction. Thin helpers only; what the tables mean is up to the classes that own them.
/// </summary>
internal sealed class AnalyticsDatabase : IDisposable
{
    private readonly DuckDBConnection _connection;

    private AnalyticsDatabase(string path, string? sharedInstanceFolder, DuckDBConnection connection)
    {
        Path = path;
        SharedInstanceFolder = sharedInstanceFolder;
        _connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// The users folder whose learners' shared instance holds the file, or null for the process's
    /// (<c>PerUserDuckDb.OpenLearnerShared</c>); the learner's other files open on the same instance.
    /// </summary>
    public string? SharedInstanceFolder { get; }

    /// <summary>
    /// Statements, appenders and transactions begun on this connection since it was opened: how much store work the
    /// owner has done (the learner reports it in <c>AnalyticsCounts</c>; a fold tick with nothing new must add none).
    /// </summary>
    public long Statements { get; private set; }

    /// <summary>Opens (creating when missing) the database file at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="sharedInstanceFolder">The data directory's users folder, whose learners' shared instance closes with
    /// the node (docs/adr/0047, amendment 2); null: the process's instance (tools, specs).</param>
    public static AnalyticsDatabase Open(string path, string? sharedInstanceFolder = null) =>
        new(path, sharedInstanceFolder, PerUserDuckDb.OpenLearnerShared(path, sharedInstanceFolder));

    /// <summary>Starts a transaction; appenders and commands on this connection join it.</summary>
    public DuckDBTransaction BeginTransaction()
    {
        Statements++;
        return _connection.BeginTransaction();
    }

    /// <summary>A DuckDB appender for <paramref name="table"/>.</summary>
    public DuckDBAppender CreateAppender(string table)
    {
        Statements++;
        return _connection.CreateAppender(table);
    }

    /// <summary>Runs a statement (or several) without parameters.</summary>
    public void Execute(string sql)
    {
        using var command = Prepare(sql);
        command.ExecuteNonQuery();
    }

    /// <summary>A command for <paramref name="sql"/>; bind its parameters with <see cref="Bind"/>.</summary>
    public DuckDBCommand Prepare(string sql)
    {
        Statements++;
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Row count of <paramref name="table"/> (a constant table name, never caller text).</summary>
    public long Count(string table)
    {
        using var command = Prepare($"SELECT COUNT(*) FROM {table}");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Sets (or adds) the named parameter; <c>null</c> binds SQL NULL.</summary>
    public static void Bind(DuckDBCommand command, string name, object? value)
    {
        var existing = command.Parameters.IndexOf(name);
        if (existing >= 0)
        {
            command.Parameters[existing].Value = value ?? DBNull.Value;
        }
        else
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }
    }

    /// <inheritdoc />
    public void Dispose() => PerUserDuckDb.Close(_connection);
}

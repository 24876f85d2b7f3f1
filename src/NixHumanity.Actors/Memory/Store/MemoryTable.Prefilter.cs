using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory.Where;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>The memory table's prefilter: the rows a <c>--where</c> predicate keeps, read from the store's own database.</summary>
internal sealed partial class MemoryTable
{
    /// <summary>
    /// The ordinals of the rows matching <paramref name="predicate"/>, live or (with <paramref name="version"/>)
    /// visible at that version.
    /// </summary>
    /// <exception cref="Contracts.InvalidInputException">DuckDB cannot evaluate the predicate (e.g. a type error).</exception>
    /// <exception cref="StoreFaultException">The file could not be read.</exception>
    public int[] MatchingOrds(WherePredicate predicate, long? version)
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = PrefilterSql(predicate, version);
            if (version is { } v)
            {
                command.Parameters.Add(new DuckDBParameter("version", v));
            }

            using var reader = command.ExecuteReader();
            var ords = new List<int>();
            while (reader.Read())
            {
                ords.Add(reader.GetInt32(0));
            }

            return ords.ToArray();
        }
        catch (DuckDBException exception)
        {
            // A damaged or unreachable file is the store's fault, not the predicate's; anything else DuckDB reports
            // here (a type or conversion error) is about the person's predicate.
            if (StoreFaults.Classify(exception, Path) is { } fault)
            {
                throw fault;
            }

            var message = exception.Message.Split('\n', 2)[0].Trim();
            throw WherePredicate.Error($"DuckDB cannot evaluate the predicate: {message}");
        }
    }

    /// <summary>
    /// The query <see cref="MatchingOrds"/> runs: the predicate's SQL (only allowed column and function names, literals
    /// and operators, re-emitted by <see cref="WhereParser"/>) inside a query that names the table with the store's own
    /// database, so on an instance shared with other people's memories nothing but this person's rows is in its scope
    /// (docs/adr/0036).
    /// </summary>
    internal string PrefilterSql(WherePredicate predicate, long? version)
    {
        var visible = version is null
            ? "version_to IS NULL"
            : "version_from <= $version AND (version_to IS NULL OR version_to > $version)";
        return $"SELECT ord FROM {_database}.main.command_embeddings WHERE {visible} AND ({predicate.Sql})";
    }
}

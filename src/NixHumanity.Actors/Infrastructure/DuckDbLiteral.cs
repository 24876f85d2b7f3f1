namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// DuckDB string literals for the few statements that cannot take a bound parameter (<c>ATTACH</c>, <c>COPY … TO</c>,
/// <c>read_parquet</c>, <c>SET</c>): the text between single quotes, each quote doubled, so a path can never end the
/// literal.
/// </summary>
internal static class DuckDbLiteral
{
    /// <summary><paramref name="text"/> as a single-quoted DuckDB string literal.</summary>
    public static string Of(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}

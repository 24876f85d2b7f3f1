using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory.Where;

/// <summary>
/// A validated metadata prefilter such as <c>success_rate &gt; 0.8 AND user_satisfaction &gt;= 0.5</c>.
/// </summary>
/// <remarks>
/// The text comes from people (CLI <c>--where</c>) and is handed to DuckDB, so it is parsed here first with a small
/// grammar — comparisons, <c>AND</c>/<c>OR</c>/<c>NOT</c>, arithmetic, <c>IS [NOT] NULL</c>, <c>[NOT] BETWEEN</c>,
/// <c>[NOT] IN (literals)</c>, <c>[NOT] LIKE/ILIKE 'pattern'</c>, a few scalar functions — and re-emitted token by
/// token. Anything else (statements, comments, subqueries, unknown columns or functions, quoted identifiers) is
/// rejected with an <see cref="InvalidInputException"/> for field <c>where</c> whose rule names the problem.
/// <see cref="WhereLexer"/> splits the text, <see cref="WhereParser"/> checks the grammar and re-emits it through
/// <see cref="WhereSqlWriter"/>.
/// DuckDB additionally runs with external access disabled, so even a predicate that slipped through could not
/// reach a file or the network.
/// </remarks>
internal sealed class WherePredicate
{
    /// <summary>Longest predicate accepted.</summary>
    public const int MaxLength = 1000;

    /// <summary>The metadata columns a predicate may name.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "id", "command", "text", "intent", "success_rate", "user_satisfaction", "confidence", "attempts", "successes",
        "embedder", "created_at", "updated_at",
    ];

    /// <summary>The scalar functions a predicate may call.</summary>
    public static readonly IReadOnlyList<string> Functions =
    [
        "lower", "upper", "length", "abs", "round", "coalesce", "least", "greatest", "contains", "starts_with",
        "ends_with",
    ];

    private WherePredicate(string original, string sql)
    {
        Original = original;
        Sql = sql;
    }

    /// <summary>The text as given.</summary>
    public string Original { get; }

    /// <summary>The re-emitted SQL expression (normalised spacing, lower-case keywords and columns).</summary>
    public string Sql { get; }

    /// <summary>Parses and validates <paramref name="text"/>.</summary>
    /// <exception cref="InvalidInputException">The predicate is empty, too long, malformed or unsafe (field <c>where</c>).</exception>
    public static WherePredicate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Error("must not be blank");
        }

        if (text.Length > MaxLength)
        {
            throw Error($"must be at most {MaxLength} characters");
        }

        var sql = new WhereParser(WhereLexer.Tokenize(text)).ParseAll();
        return new WherePredicate(text, sql);
    }

    /// <inheritdoc />
    public override string ToString() => Sql;

    /// <summary>The rejection of a predicate: field <c>where</c>, <paramref name="problem"/> as the rule.</summary>
    internal static InvalidInputException Error(string problem) => new(new CommandRejected("where", problem));
}

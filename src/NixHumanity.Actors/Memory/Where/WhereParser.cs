using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory.Where;

/// <summary>
/// Recursive-descent parser over <see cref="WhereToken"/>s that re-emits (through <see cref="WhereSqlWriter"/>) only
/// what it understood. Grammar, loosest binding first: <c>OR</c>, <c>AND</c>, <c>NOT</c>, a predicate (comparison,
/// <c>IS [NOT] NULL</c>, <c>[NOT] BETWEEN</c>, <c>[NOT] IN (literals)</c>, <c>[NOT] LIKE/ILIKE 'pattern'</c>),
/// <c>+ -</c>, <c>* / %</c>, unary sign, and primaries (literals, allowed columns and function calls, parentheses).
/// </summary>
internal sealed partial class WhereParser(List<WhereToken> tokens)
{
    private const int MaxDepth = 32;

    // Keywords that only appear in statements or subqueries; named explicitly so the error says what was found.
    private static readonly HashSet<string> _statementKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "with", "union", "insert", "update", "delete", "drop", "create", "alter", "attach",
        "detach", "copy", "pragma", "set", "call", "install", "load", "export", "import", "exists", "join", "values",
        "table", "into", "grant", "checkpoint", "vacuum", "describe", "show", "summarize", "limit", "order", "group",
    };

    // Names are emitted from these lists, never from the person's text: the SQL holds only names the project wrote
    // (docs/adr/0036: a memory's connection shares its DuckDB instance with other people's memories).
    private static readonly Dictionary<string, string> _columnSet = WherePredicate.Columns.ToDictionary(c => c, StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, string> _functionSet = WherePredicate.Functions.ToDictionary(f => f, StringComparer.OrdinalIgnoreCase);

    private readonly WhereSqlWriter _out = new();
    private int _position;
    private int _depth;

    private WhereToken Current => tokens[_position];

    private WhereToken Next => tokens[_position + 1];

    /// <summary>Parses the whole token list and returns the re-emitted SQL.</summary>
    /// <exception cref="InvalidInputException">The predicate is malformed or names something not allowed.</exception>
    public string ParseAll()
    {
        Expression();
        if (Current.Kind != WhereTokenKind.End)
        {
            throw Unexpected("end of predicate");
        }

        return _out.ToString();
    }

    private void Expression()
    {
        Enter();
        Conjunction();
        while (IsKeyword("or"))
        {
            Take("OR");
            Conjunction();
        }

        _depth--;
    }

    /// <summary>
    /// One more level of nesting: parentheses, NOT, unary signs and function calls all count, so no chain of them
    /// (245 NOTs, 140 nested lower(…)) can make the parser, or DuckDB's, recurse without bound.
    /// </summary>
    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw WherePredicate.Error($"nested more than {MaxDepth} levels deep");
        }
    }

    private void Conjunction()
    {
        Negation();
        while (IsKeyword("and"))
        {
            Take("AND");
            Negation();
        }
    }

    private void Negation()
    {
        if (IsKeyword("not"))
        {
            Take("NOT");
            Enter();
            Negation();
            _depth--;
            return;
        }

        Predicate();
    }

    private void Predicate()
    {
        Additive();
        if (Current.Kind == WhereTokenKind.Symbol && Current.Text is "=" or "<" or ">" or "<=" or ">=" or "<>" or "!=")
        {
            Take(Current.Text);
            Additive();
            return;
        }

        if (IsKeyword("is"))
        {
            IsNull();
            return;
        }

        var negated = false;
        if (IsKeyword("not") && Next is { Kind: WhereTokenKind.Identifier, Text: "between" or "in" or "like" or "ilike" })
        {
            Take("NOT");
            negated = true;
        }

        if (!NegatableOperator() && negated)
        {
            throw Unexpected("BETWEEN, IN, LIKE or ILIKE after NOT");
        }
    }

    private void IsNull()
    {
        Take("IS");
        if (IsKeyword("not"))
        {
            Take("NOT");
        }

        if (!IsKeyword("null"))
        {
            throw Unexpected("NULL after IS");
        }

        Take("NULL");
    }

    /// <summary>BETWEEN, IN or LIKE/ILIKE after an operand; false when none follows.</summary>
    private bool NegatableOperator()
    {
        if (IsKeyword("between"))
        {
            Between();
            return true;
        }

        if (IsKeyword("in"))
        {
            InList();
            return true;
        }

        if (IsKeyword("like") || IsKeyword("ilike"))
        {
            Take(Current.Text.ToUpperInvariant());
            if (Current.Kind != WhereTokenKind.String)
            {
                throw Unexpected("a quoted pattern after LIKE");
            }

            CheckLikePattern(Current.Text);
            _out.EmitString(Current.Text);
            _position++;
            return true;
        }

        return false;
    }

    private void Between()
    {
        Take("BETWEEN");
        Additive();
        if (!IsKeyword("and"))
        {
            throw Unexpected("AND in BETWEEN … AND …");
        }

        Take("AND");
        Additive();
    }

    private void InList()
    {
        Take("IN");
        Expect("(");
        Literal();
        while (IsSymbol(","))
        {
            Take(",");
            Literal();
        }

        Expect(")");
    }

    private void Additive()
    {
        Multiplicative();
        while (Current is { Kind: WhereTokenKind.Symbol, Text: "+" or "-" })
        {
            Take(Current.Text);
            Multiplicative();
        }
    }

    private void Multiplicative()
    {
        Unary();
        while (Current is { Kind: WhereTokenKind.Symbol, Text: "*" or "/" or "%" })
        {
            Take(Current.Text);
            Unary();
        }
    }

    private void Unary()
    {
        if (Current is { Kind: WhereTokenKind.Symbol, Text: "-" or "+" })
        {
            Take(Current.Text);
            Enter();
            Unary();
            _depth--;
            return;
        }

        Primary();
    }

    private void Primary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case WhereTokenKind.Number:
                Take(token.Text);
                return;
            case WhereTokenKind.String:
                _out.EmitString(token.Text);
                _position++;
                return;
            case WhereTokenKind.Symbol when token.Text == "(":
                Take("(");
                if (IsKeyword("select") || IsKeyword("with"))
                {
                    throw WherePredicate.Error($"subqueries are not allowed ('{token.Text}{Current.Text}' at position {token.Position})");
                }

                Expression();
                Expect(")");
                return;
            case WhereTokenKind.Identifier:
                Identifier(token);
                return;
            default:
                throw Unexpected("a column, number, string or '('");
        }
    }

    private void Identifier(WhereToken token)
    {
        var name = token.Text;
        if (name is "true" or "false" or "null")
        {
            Take(name.ToUpperInvariant());
            return;
        }

        if (_statementKeywords.Contains(name))
        {
            throw WherePredicate.Error($"subqueries and statements are not allowed ('{name.ToUpperInvariant()}' at position {token.Position})");
        }

        if (Next is { Kind: WhereTokenKind.Symbol, Text: "(" })
        {
            Call(name);
            return;
        }

        if (!_columnSet.TryGetValue(name, out var column))
        {
            throw WherePredicate.Error($"unknown column '{name}' (known: {string.Join(", ", WherePredicate.Columns)})");
        }

        Take(column);
    }

    private void Call(string name)
    {
        if (!_functionSet.TryGetValue(name, out var function))
        {
            throw WherePredicate.Error($"function '{name}' is not allowed (allowed: {string.Join(", ", WherePredicate.Functions)})");
        }

        Take(function);
        Take("(");
        Enter();
        if (!IsSymbol(")"))
        {
            Additive();
            while (IsSymbol(","))
            {
                Take(",");
                Additive();
            }
        }

        _depth--;
        Expect(")");
    }

    private void Expect(string symbol)
    {
        if (!IsSymbol(symbol))
        {
            throw Unexpected($"'{symbol}'");
        }

        Take(symbol);
    }

    /// <summary>Emits <paramref name="sql"/> for the current token and moves past it.</summary>
    private void Take(string sql)
    {
        _out.Emit(sql);
        _position++;
    }

    private bool IsKeyword(string keyword) => Current.Kind == WhereTokenKind.Identifier && Current.Text == keyword;

    private bool IsSymbol(string symbol) => Current.Kind == WhereTokenKind.Symbol && Current.Text == symbol;

    private InvalidInputException Unexpected(string expected)
    {
        var found = Current.Kind == WhereTokenKind.End ? "end of predicate" : $"'{Current.Text}'";
        return WherePredicate.Error($"expected {expected} but found {found} at position {Current.Position}");
    }
}

using System.Globalization;
using System.Text;

namespace NixHumanity.Actors.Memory.Where;

/// <summary>
/// A validated metadata prefilter such as <c>success_rate &gt; 0.8 AND user_satisfaction &gt;= 0.5</c>.
/// </summary>
/// <remarks>
/// The text comes from people (CLI <c>--where</c>) and is handed to DuckDB, so it is parsed here first with a small
/// grammar — comparisons, <c>AND</c>/<c>OR</c>/<c>NOT</c>, arithmetic, <c>IS [NOT] NULL</c>, <c>[NOT] BETWEEN</c>,
/// <c>[NOT] IN (literals)</c>, <c>[NOT] LIKE/ILIKE 'pattern'</c>, a few scalar functions — and re-emitted token by
/// token. Anything else (statements, comments, subqueries, unknown columns or functions, quoted identifiers) is
/// rejected with an <see cref="ArgumentException"/> whose message starts with <c>where:</c> and names the problem.
/// DuckDB additionally runs with external access disabled, so even a predicate that slipped through could not
/// reach a file or the network.
/// </remarks>
public sealed class WherePredicate
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

    // Keywords that only appear in statements or subqueries; named explicitly so the error says what was found.
    private static readonly HashSet<string> _statementKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "with", "union", "insert", "update", "delete", "drop", "create", "alter", "attach",
        "detach", "copy", "pragma", "set", "call", "install", "load", "export", "import", "exists", "join", "values",
        "table", "into", "grant", "checkpoint", "vacuum", "describe", "show", "summarize", "limit", "order", "group",
    };

    private static readonly HashSet<string> _columnSet = new(Columns, StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> _functionSet = new(Functions, StringComparer.OrdinalIgnoreCase);

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
    /// <exception cref="ArgumentException">The predicate is empty, too long, malformed or unsafe.</exception>
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

        var tokens = Tokenize(text);
        var parser = new Parser(tokens);
        var sql = parser.ParseAll();
        return new WherePredicate(text, sql);
    }

    /// <inheritdoc />
    public override string ToString() => Sql;

    internal static ArgumentException Error(string problem) => new($"where: {problem}");

    private enum Kind
    {
        Identifier,
        Number,
        String,
        Symbol,
        End,
    }

    private readonly record struct Token(Kind Kind, string Text, int Position);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == ';')
            {
                throw Error($"';' at position {i} is not allowed (one predicate only, no statements)");
            }

            if ((c == '-' && i + 1 < text.Length && text[i + 1] == '-') || (c == '/' && i + 1 < text.Length && text[i + 1] == '*'))
            {
                throw Error($"comments are not allowed (position {i})");
            }

            if (c == '"' || c == '`' || c == '[')
            {
                throw Error($"quoted identifiers are not allowed (position {i}); name columns plainly");
            }

            if (c == '$' || c == '?')
            {
                throw Error($"parameters are not allowed (position {i})");
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Identifier, text[start..i].ToLowerInvariant(), start));
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
                {
                    i++;
                    if (i < text.Length && (text[i] == '+' || text[i] == '-'))
                    {
                        i++;
                    }

                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }
                }

                var number = text[start..i];
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    throw Error($"malformed number '{number}' at position {start}");
                }

                if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
                {
                    throw Error($"malformed number '{text[start..(i + 1)]}' at position {start}");
                }

                tokens.Add(new Token(Kind.Number, number, start));
                continue;
            }

            if (c == '\'')
            {
                var start = i;
                var builder = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw Error($"unterminated string starting at position {start}");
                    }

                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            builder.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    builder.Append(text[i]);
                    i++;
                }

                tokens.Add(new Token(Kind.String, builder.ToString(), start));
                continue;
            }

            var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
            if (two is "<=" or ">=" or "<>" or "!=" or "==")
            {
                tokens.Add(new Token(Kind.Symbol, two == "==" ? "=" : two, i));
                i += 2;
                continue;
            }

            if ("=<>+-*/%(),".Contains(c, StringComparison.Ordinal))
            {
                tokens.Add(new Token(Kind.Symbol, c.ToString(), i));
                i++;
                continue;
            }

            throw Error($"unexpected character '{c}' at position {i}");
        }

        tokens.Add(new Token(Kind.End, string.Empty, text.Length));
        return tokens;
    }

    /// <summary>Recursive-descent parser that re-emits only what it understood.</summary>
    private sealed class Parser(List<Token> tokens)
    {
        private const int MaxDepth = 32;
        private readonly StringBuilder _out = new();
        private int _position;
        private int _depth;

        private Token Current => tokens[_position];

        public string ParseAll()
        {
            Expression();
            if (Current.Kind != Kind.End)
            {
                throw Unexpected("end of predicate");
            }

            return _out.ToString().Trim();
        }

        private void Expression()
        {
            if (++_depth > MaxDepth)
            {
                throw Error($"nested more than {MaxDepth} levels deep");
            }

            Conjunction();
            while (IsKeyword("or"))
            {
                Emit("OR");
                _position++;
                Conjunction();
            }

            _depth--;
        }

        private void Conjunction()
        {
            Negation();
            while (IsKeyword("and"))
            {
                Emit("AND");
                _position++;
                Negation();
            }
        }

        private void Negation()
        {
            if (IsKeyword("not"))
            {
                Emit("NOT");
                _position++;
                Negation();
                return;
            }

            Predicate();
        }

        private void Predicate()
        {
            Additive();
            var current = Current;
            if (current.Kind == Kind.Symbol && current.Text is "=" or "<" or ">" or "<=" or ">=" or "<>" or "!=")
            {
                Emit(current.Text);
                _position++;
                Additive();
                return;
            }

            if (IsKeyword("is"))
            {
                Emit("IS");
                _position++;
                if (IsKeyword("not"))
                {
                    Emit("NOT");
                    _position++;
                }

                if (!IsKeyword("null"))
                {
                    throw Unexpected("NULL after IS");
                }

                Emit("NULL");
                _position++;
                return;
            }

            var negated = false;
            if (IsKeyword("not") && tokens[_position + 1] is { Kind: Kind.Identifier, Text: "between" or "in" or "like" or "ilike" })
            {
                Emit("NOT");
                _position++;
                negated = true;
            }

            if (IsKeyword("between"))
            {
                Emit("BETWEEN");
                _position++;
                Additive();
                if (!IsKeyword("and"))
                {
                    throw Unexpected("AND in BETWEEN … AND …");
                }

                Emit("AND");
                _position++;
                Additive();
                return;
            }

            if (IsKeyword("in"))
            {
                Emit("IN");
                _position++;
                Expect("(");
                Literal();
                while (Current is { Kind: Kind.Symbol, Text: "," })
                {
                    Emit(",");
                    _position++;
                    Literal();
                }

                Expect(")");
                return;
            }

            if (IsKeyword("like") || IsKeyword("ilike"))
            {
                Emit(Current.Text.ToUpperInvariant());
                _position++;
                if (Current.Kind != Kind.String)
                {
                    throw Unexpected("a quoted pattern after LIKE");
                }

                EmitString(Current.Text);
                _position++;
                return;
            }

            if (negated)
            {
                throw Unexpected("BETWEEN, IN, LIKE or ILIKE after NOT");
            }
        }

        private void Additive()
        {
            Multiplicative();
            while (Current is { Kind: Kind.Symbol, Text: "+" or "-" })
            {
                Emit(Current.Text);
                _position++;
                Multiplicative();
            }
        }

        private void Multiplicative()
        {
            Unary();
            while (Current is { Kind: Kind.Symbol, Text: "*" or "/" or "%" })
            {
                Emit(Current.Text);
                _position++;
                Unary();
            }
        }

        private void Unary()
        {
            if (Current is { Kind: Kind.Symbol, Text: "-" or "+" })
            {
                Emit(Current.Text);
                _position++;
                Unary();
                return;
            }

            Primary();
        }

        private void Primary()
        {
            var token = Current;
            switch (token.Kind)
            {
                case Kind.Number:
                    Emit(token.Text);
                    _position++;
                    return;
                case Kind.String:
                    EmitString(token.Text);
                    _position++;
                    return;
                case Kind.Symbol when token.Text == "(":
                    Emit("(");
                    _position++;
                    if (IsKeyword("select") || IsKeyword("with"))
                    {
                        throw Error($"subqueries are not allowed ('{token.Text}{Current.Text}' at position {token.Position})");
                    }

                    Expression();
                    Expect(")");
                    return;
                case Kind.Identifier:
                    Identifier(token);
                    return;
                default:
                    throw Unexpected("a column, number, string or '('");
            }
        }

        private void Identifier(Token token)
        {
            var name = token.Text;
            if (name is "true" or "false" or "null")
            {
                Emit(name.ToUpperInvariant());
                _position++;
                return;
            }

            if (_statementKeywords.Contains(name))
            {
                throw Error($"subqueries and statements are not allowed ('{name.ToUpperInvariant()}' at position {token.Position})");
            }

            var isCall = tokens[_position + 1] is { Kind: Kind.Symbol, Text: "(" };
            if (isCall)
            {
                if (!_functionSet.Contains(name))
                {
                    throw Error($"function '{name}' is not allowed (allowed: {string.Join(", ", Functions)})");
                }

                Emit(name);
                _position++;
                Emit("(");
                _position++;
                if (Current is not { Kind: Kind.Symbol, Text: ")" })
                {
                    Additive();
                    while (Current is { Kind: Kind.Symbol, Text: "," })
                    {
                        Emit(",");
                        _position++;
                        Additive();
                    }
                }

                Expect(")");
                return;
            }

            if (!_columnSet.Contains(name))
            {
                throw Error($"unknown column '{name}' (known: {string.Join(", ", Columns)})");
            }

            Emit(name);
            _position++;
        }

        private void Literal()
        {
            var negative = false;
            if (Current is { Kind: Kind.Symbol, Text: "-" })
            {
                negative = true;
                _position++;
            }

            var token = Current;
            if (token.Kind == Kind.Number)
            {
                Emit(negative ? "-" + token.Text : token.Text);
            }
            else if (token.Kind == Kind.String && !negative)
            {
                EmitString(token.Text);
            }
            else if (token is { Kind: Kind.Identifier, Text: "true" or "false" or "null" } && !negative)
            {
                Emit(token.Text.ToUpperInvariant());
            }
            else
            {
                throw Unexpected("a literal in the IN list");
            }

            _position++;
        }

        private void Expect(string symbol)
        {
            if (Current is not { Kind: Kind.Symbol } || Current.Text != symbol)
            {
                throw Unexpected($"'{symbol}'");
            }

            Emit(symbol);
            _position++;
        }

        private bool IsKeyword(string keyword) => Current.Kind == Kind.Identifier && Current.Text == keyword;

        private ArgumentException Unexpected(string expected)
        {
            var found = Current.Kind == Kind.End ? "end of predicate" : $"'{Current.Text}'";
            return Error($"expected {expected} but found {found} at position {Current.Position}");
        }

        private void Emit(string text)
        {
            if (_out.Length > 0 && text is not ")" and not "," && _out[^1] != '(')
            {
                _out.Append(' ');
            }

            _out.Append(text);
        }

        private void EmitString(string value) => Emit("'" + value.Replace("'", "''", StringComparison.Ordinal) + "'");
    }
}

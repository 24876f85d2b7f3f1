using System.Globalization;
using System.Text;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory.Where;

/// <summary>
/// Splits a prefilter into <see cref="WhereToken"/>s. Everything that can only be an attack or a mistake at the
/// character level (statement separators, comments, quoted identifiers, parameters) is rejected here, so the parser
/// never sees it.
/// </summary>
internal sealed class WhereLexer
{
    private const string SingleSymbols = "=<>+-*/%(),";

    private readonly string _text;
    private readonly List<WhereToken> _tokens = [];
    private int _i;

    private WhereLexer(string text) => _text = text;

    /// <summary>The tokens of <paramref name="text"/>, ending with one <see cref="WhereTokenKind.End"/> token.</summary>
    /// <exception cref="InvalidInputException">A character or literal is not allowed or malformed.</exception>
    public static List<WhereToken> Tokenize(string text)
    {
        // Stored text holds no control characters, and DuckDB reads SQL text only up to a NUL: refused like any text.
        if (InputRules.Characters("where", text) is { } rejection)
        {
            throw new InvalidInputException(rejection);
        }

        var lexer = new WhereLexer(text);
        lexer.ReadAll();
        return lexer._tokens;
    }

    private bool HasNext => _i + 1 < _text.Length;

    private void ReadAll()
    {
        while (_i < _text.Length)
        {
            var c = _text[_i];
            if (char.IsWhiteSpace(c))
            {
                _i++;
                continue;
            }

            RejectForbidden(c);
            if (char.IsAsciiLetter(c) || c == '_')
            {
                ReadIdentifier();
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && HasNext && char.IsAsciiDigit(_text[_i + 1])))
            {
                ReadNumber();
            }
            else if (c == '\'')
            {
                ReadString();
            }
            else
            {
                ReadSymbol(c);
            }
        }

        _tokens.Add(new WhereToken(WhereTokenKind.End, string.Empty, _text.Length));
    }

    private void RejectForbidden(char c)
    {
        if (c == ';')
        {
            throw WherePredicate.Error($"';' at position {_i} is not allowed (one predicate only, no statements)");
        }

        if ((c == '-' && HasNext && _text[_i + 1] == '-') || (c == '/' && HasNext && _text[_i + 1] == '*'))
        {
            throw WherePredicate.Error($"comments are not allowed (position {_i})");
        }

        if (c == '"' || c == '`' || c == '[')
        {
            throw WherePredicate.Error($"quoted identifiers are not allowed (position {_i}); name columns plainly");
        }

        if (c == '$' || c == '?')
        {
            throw WherePredicate.Error($"parameters are not allowed (position {_i})");
        }
    }

    private void ReadIdentifier()
    {
        var start = _i;
        while (_i < _text.Length && (char.IsAsciiLetterOrDigit(_text[_i]) || _text[_i] == '_'))
        {
            _i++;
        }

        _tokens.Add(new WhereToken(WhereTokenKind.Identifier, _text[start.._i].ToLowerInvariant(), start));
    }

    private void ReadNumber()
    {
        var start = _i;
        SkipWhile(c => char.IsAsciiDigit(c) || c == '.');
        if (_i < _text.Length && (_text[_i] == 'e' || _text[_i] == 'E'))
        {
            _i++;
            if (_i < _text.Length && (_text[_i] == '+' || _text[_i] == '-'))
            {
                _i++;
            }

            SkipWhile(char.IsAsciiDigit);
        }

        var number = _text[start.._i];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw WherePredicate.Error($"malformed number '{number}' at position {start}");
        }

        if (_i < _text.Length && (char.IsAsciiLetter(_text[_i]) || _text[_i] == '_'))
        {
            throw WherePredicate.Error($"malformed number '{_text[start..(_i + 1)]}' at position {start}");
        }

        _tokens.Add(new WhereToken(WhereTokenKind.Number, number, start));
    }

    private void SkipWhile(Func<char, bool> accept)
    {
        while (_i < _text.Length && accept(_text[_i]))
        {
            _i++;
        }
    }

    private void ReadString()
    {
        var start = _i;
        var builder = new StringBuilder();
        _i++;
        while (true)
        {
            if (_i >= _text.Length)
            {
                throw WherePredicate.Error($"unterminated string starting at position {start}");
            }

            if (_text[_i] == '\'')
            {
                // A doubled quote is an escaped quote; a single one ends the string.
                if (HasNext && _text[_i + 1] == '\'')
                {
                    builder.Append('\'');
                    _i += 2;
                    continue;
                }

                _i++;
                break;
            }

            builder.Append(_text[_i]);
            _i++;
        }

        _tokens.Add(new WhereToken(WhereTokenKind.String, builder.ToString(), start));
    }

    private void ReadSymbol(char c)
    {
        var two = HasNext ? _text.Substring(_i, 2) : string.Empty;
        if (two is "<=" or ">=" or "<>" or "!=" or "==")
        {
            _tokens.Add(new WhereToken(WhereTokenKind.Symbol, two == "==" ? "=" : two, _i));
            _i += 2;
            return;
        }

        if (SingleSymbols.Contains(c, StringComparison.Ordinal))
        {
            _tokens.Add(new WhereToken(WhereTokenKind.Symbol, c.ToString(), _i));
            _i++;
            return;
        }

        throw WherePredicate.Error($"unexpected character '{c}' at position {_i}");
    }
}

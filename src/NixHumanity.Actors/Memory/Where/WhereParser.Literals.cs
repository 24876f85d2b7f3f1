namespace NixHumanity.Actors.Memory.Where;

/// <summary>The parser's literals and the cost rule for LIKE patterns.</summary>
internal sealed partial class WhereParser
{
    private void Literal()
    {
        var negative = false;
        if (IsSymbol("-"))
        {
            negative = true;
            _position++;
        }

        var token = Current;
        if (token.Kind == WhereTokenKind.Number)
        {
            _out.Emit(negative ? "-" + token.Text : token.Text);
        }
        else if (token.Kind == WhereTokenKind.String && !negative)
        {
            _out.EmitString(token.Text);
        }
        else if (token is { Kind: WhereTokenKind.Identifier, Text: "true" or "false" or "null" } && !negative)
        {
            _out.Emit(token.Text.ToUpperInvariant());
        }
        else
        {
            throw Unexpected("a literal in the IN list");
        }

        _position++;
    }

    /// <summary>
    /// A pattern with '_' may hold at most one run of '%'. DuckDB matches '%'-and-literal patterns in linear time, but
    /// once a '_' is present it backtracks, once per '%' run: '_%_%_%_%b' over a few thousand characters never
    /// finishes, and DuckDB checks for an interrupt only between vectors of rows, so no time budget can stop it.
    /// </summary>
    private static void CheckLikePattern(string pattern)
    {
        if (!pattern.Contains('_', StringComparison.Ordinal))
        {
            return;
        }

        var runs = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '%' && (i == 0 || pattern[i - 1] != '%'))
            {
                runs++;
            }
        }

        if (runs > 1)
        {
            throw WherePredicate.Error(
                $"too expensive: a LIKE pattern with '_' may hold at most one '%' (was '{pattern}'; without '_', any number of '%' is fine)");
        }
    }
}

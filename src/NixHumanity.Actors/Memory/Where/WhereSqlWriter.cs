using System.Text;

namespace NixHumanity.Actors.Memory.Where;

/// <summary>
/// Builds the SQL a <see cref="WhereParser"/> re-emits: one token at a time with normalised spacing, strings always
/// re-quoted and re-escaped here, so nothing the person typed reaches DuckDB except through this class.
/// </summary>
internal sealed class WhereSqlWriter
{
    private readonly StringBuilder _out = new();

    /// <summary>Appends a keyword, column, number or symbol, separated by one space where SQL reads naturally.</summary>
    public void Emit(string text)
    {
        if (_out.Length > 0 && text is not ")" and not "," && _out[^1] != '(')
        {
            _out.Append(' ');
        }

        _out.Append(text);
    }

    /// <summary>Appends <paramref name="value"/> as a single-quoted SQL string literal.</summary>
    public void EmitString(string value) => Emit("'" + value.Replace("'", "''", StringComparison.Ordinal) + "'");

    /// <inheritdoc />
    public override string ToString() => _out.ToString().Trim();
}

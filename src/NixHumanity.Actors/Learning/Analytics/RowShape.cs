namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// How a typed row of one query reads as the named cells of <see cref="QueryResult.Rows"/>: the column names in order
/// and, per column, the row's value as a plain object (string, <see cref="long"/>, <see cref="double"/>,
/// <see cref="DateTimeOffset"/> or <c>null</c>, the types the dictionary rows always had).
/// </summary>
/// <typeparam name="TRow">The query's row type.</typeparam>
internal sealed class RowShape<TRow>
{
    private readonly Func<TRow, int, object?> _cell;
    private readonly int _skip;

    /// <param name="columns">The column names, in order, after skipping <paramref name="skip"/>.</param>
    /// <param name="cell">The value of column <c>i</c> of the full column list (the one before skipping).</param>
    /// <param name="skip">How many leading columns of the full list are left out (1 leaves out a <c>user_id</c>
    /// a single person's result does not print).</param>
    public RowShape(IReadOnlyList<string> columns, Func<TRow, int, object?> cell, int skip = 0)
    {
        Columns = columns;
        _cell = cell;
        _skip = skip;
    }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The position of <paramref name="column"/> in <see cref="Columns"/>, or -1. A row has three or four
    /// columns, so a scan costs less than a hash.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The value of column <paramref name="index"/> (of <see cref="Columns"/>) in <paramref name="row"/>, boxed
    /// here, when it is read.</summary>
    public object? Cell(TRow row, int index) => _cell(row, index + _skip);

    /// <summary>A read-only list of dictionaries over <paramref name="rows"/>; nothing is copied or boxed until read.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> View(IReadOnlyList<TRow> rows) => new RowList<TRow>(rows, this);
}

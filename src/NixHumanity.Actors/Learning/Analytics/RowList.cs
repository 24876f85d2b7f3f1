using System.Collections;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The rows of a <see cref="QueryResult"/> as dictionaries, computed from the typed rows when they are read: a query
/// materialises only its typed rows (one array of structs), and a caller that prints the rows by name pays for the
/// dictionary cells it reads, not the store.
/// </summary>
/// <typeparam name="TRow">The query's row type.</typeparam>
internal sealed class RowList<TRow>(IReadOnlyList<TRow> rows, RowShape<TRow> shape) : IReadOnlyList<IReadOnlyDictionary<string, object?>>
{
    /// <summary>The typed rows behind the view.</summary>
    public IReadOnlyList<TRow> Rows => rows;

    /// <inheritdoc />
    public int Count => rows.Count;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> this[int index] => new RowCells<TRow>(rows[index], shape);

    /// <inheritdoc />
    public IEnumerator<IReadOnlyDictionary<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < rows.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

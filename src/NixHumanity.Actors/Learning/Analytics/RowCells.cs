using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// One typed row read as a dictionary of its named cells, in column order. Read-only; it also answers as an
/// <see cref="IDictionary{TKey, TValue}"/> (whose writes throw), so code that handled the
/// <see cref="Dictionary{TKey, TValue}"/> rows the results held before sees the same kind of collection.
/// </summary>
/// <typeparam name="TRow">The query's row type.</typeparam>
internal sealed class RowCells<TRow>(TRow row, RowShape<TRow> shape) : IReadOnlyDictionary<string, object?>, IDictionary<string, object?>
{
    /// <summary>How many columns the row has.</summary>
    public int Count => shape.Columns.Count;

    /// <inheritdoc />
    public bool IsReadOnly => true;

    /// <summary>The column names, in order.</summary>
    public IEnumerable<string> Keys => shape.Columns;

    /// <summary>The cells, in column order.</summary>
    public IEnumerable<object?> Values => Enumerable.Range(0, shape.Columns.Count).Select(i => shape.Cell(row, i));

    ICollection<string> IDictionary<string, object?>.Keys => shape.Columns.ToList();

    ICollection<object?> IDictionary<string, object?>.Values => Values.ToList();

    /// <summary>The cell of column <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">The query has no such column.</exception>
    public object? this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The query has no column '{key}'.");

    object? IDictionary<string, object?>.this[string key]
    {
        get => this[key];
        set => throw ReadOnly();
    }

    /// <summary>Whether the query has a column <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => shape.IndexOf(key) >= 0;

    /// <summary>The cell of column <paramref name="key"/>, when the query has that column.</summary>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var index = shape.IndexOf(key);
        value = index >= 0 ? shape.Cell(row, index) : null;
        return index >= 0;
    }

    /// <inheritdoc />
    public bool Contains(KeyValuePair<string, object?> item) => TryGetValue(item.Key, out var value) && Equals(value, item.Value);

    /// <inheritdoc />
    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        foreach (var cell in this)
        {
            array[arrayIndex++] = cell;
        }
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < shape.Columns.Count; i++)
        {
            yield return new KeyValuePair<string, object?>(shape.Columns[i], shape.Cell(row, i));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void IDictionary<string, object?>.Add(string key, object? value) => throw ReadOnly();

    bool IDictionary<string, object?>.Remove(string key) => throw ReadOnly();

    void ICollection<KeyValuePair<string, object?>>.Add(KeyValuePair<string, object?> item) => throw ReadOnly();

    void ICollection<KeyValuePair<string, object?>>.Clear() => throw ReadOnly();

    bool ICollection<KeyValuePair<string, object?>>.Remove(KeyValuePair<string, object?> item) => throw ReadOnly();

    private static NotSupportedException ReadOnly() => new("The rows of a query result are read-only.");
}

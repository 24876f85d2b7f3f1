namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// The fragments a <see cref="ParquetTensorStore"/> holds, kept sorted oldest first (by stamp, then write order),
/// and the next write order to hand out. Reads consult the ranges to skip files that cannot contribute.
/// </summary>
internal sealed class FragmentCatalog
{
    private readonly List<FragmentInfo> _fragments = [];
    private long _nextWriteOrder = 1;

    /// <summary>The fragments, oldest first.</summary>
    public IReadOnlyList<FragmentInfo> All => _fragments;

    /// <summary>Hands out the next write order.</summary>
    public long TakeWriteOrder() => _nextWriteOrder++;

    /// <summary>Adds fragments found on disk; later write orders are handed out after theirs.</summary>
    public void AddExisting(IEnumerable<FragmentInfo> fragments)
    {
        foreach (var fragment in fragments)
        {
            _nextWriteOrder = Math.Max(_nextWriteOrder, fragment.WriteOrder + 1);
            _fragments.Add(fragment);
        }

        Sort();
    }

    /// <summary>Adds one fragment.</summary>
    public void Add(FragmentInfo fragment)
    {
        _fragments.Add(fragment);
        Sort();
    }

    /// <summary>Removes one fragment (the caller keeps the order by adding through <see cref="Add"/>).</summary>
    public void Remove(FragmentInfo fragment) => _fragments.Remove(fragment);

    private void Sort() => _fragments.Sort((a, b) =>
    {
        var byStamp = a.Stamp.CompareTo(b.Stamp);
        return byStamp != 0 ? byStamp : a.WriteOrder.CompareTo(b.WriteOrder);
    });
}

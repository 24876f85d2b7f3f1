namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>The cell count and user, feature and time ranges of one fragment file, gathered while its cells are read.</summary>
/// <param name="writeOrder">The fragment's write order (from its file name).</param>
internal sealed class CellRanges(long writeOrder)
{
    private long _cells;
    private int _minUser = int.MaxValue;
    private int _maxUser = int.MinValue;
    private int _minFeature = int.MaxValue;
    private int _maxFeature = int.MinValue;
    private uint _minTime = uint.MaxValue;

    /// <summary>The fragment's write order.</summary>
    public long WriteOrder { get; } = writeOrder;

    /// <summary>Counts one cell.</summary>
    public void Add(int user, int feature, uint time)
    {
        _cells++;
        _minUser = Math.Min(_minUser, user);
        _maxUser = Math.Max(_maxUser, user);
        _minFeature = Math.Min(_minFeature, feature);
        _maxFeature = Math.Max(_maxFeature, feature);
        _minTime = Math.Min(_minTime, time);
    }

    /// <summary>The fragment's description (only after at least one cell).</summary>
    public FragmentInfo ToInfo(string fileName, DateTimeOffset stamp) =>
        new(fileName, stamp, WriteOrder, _cells, _minUser, _maxUser, _minFeature, _maxFeature, DateTimeOffset.FromUnixTimeSeconds(_minTime));
}

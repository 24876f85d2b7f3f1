namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// One lexical channel's calibrated scores for one query: <see cref="Of"/> is 0 for documents the channel did not
/// match; <see cref="Matched"/> lists those it did.
/// </summary>
internal sealed class ChannelScores(float[] scores, IReadOnlyList<int> matched)
{
    /// <summary>No channel ran (its weight is 0 or the query has no text).</summary>
    public static ChannelScores None { get; } = new([], []);

    /// <summary>Documents with a score above 0.</summary>
    public IReadOnlyList<int> Matched => matched;

    /// <summary>The calibrated score of <paramref name="doc"/>, in [0,1).</summary>
    public float Of(int doc) => doc < scores.Length ? scores[doc] : 0;

    /// <summary>The <paramref name="n"/> best matched documents, best first (ties by document number).</summary>
    public List<int> Top(int n) =>
        matched.OrderByDescending(doc => scores[doc]).ThenBy(doc => doc).Take(n).ToList();
}

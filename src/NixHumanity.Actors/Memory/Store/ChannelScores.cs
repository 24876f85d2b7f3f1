namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// One lexical channel's calibrated scores for one query: <see cref="Of"/> is 0 for documents the channel did not
/// match; <see cref="Matched"/> lists those it did.
/// </summary>
internal sealed class ChannelScores(float[] scores, IReadOnlyList<int> matched)
{
    // The last top list asked for: a query's evidence fused under many weightings (the weight sweep) asks for the
    // same depth again and again. One query's scores are used by one thread at a time.
    private (int N, IReadOnlyList<int> Top)? _lastTop;

    /// <summary>No channel ran (its weight is 0 or the query has no text).</summary>
    public static ChannelScores None { get; } = new([], []);

    /// <summary>Documents with a score above 0.</summary>
    public IReadOnlyList<int> Matched => matched;

    /// <summary>The calibrated score of <paramref name="doc"/>, in [0,1).</summary>
    public float Of(int doc) => doc < scores.Length ? scores[doc] : 0;

    /// <summary>The <paramref name="n"/> best matched documents, best first (ties by document number).</summary>
    public IReadOnlyList<int> Top(int n)
    {
        if (matched.Count == 0)
        {
            return [];
        }

        if (_lastTop is { } last && last.N == n)
        {
            return last.Top;
        }

        var top = Rank(n);
        _lastTop = (n, top);
        return top;
    }

    private List<int> Rank(int n)
    {
        // A bounded heap: a common 3-gram can match most of a large memory, and only the top few are wanted.
        var worstFirst = Comparer<(float Score, int Doc)>.Create(static (a, b) =>
            a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Doc.CompareTo(a.Doc));
        var heap = new PriorityQueue<int, (float Score, int Doc)>(n + 1, worstFirst);
        foreach (var doc in matched)
        {
            heap.Enqueue(doc, (scores[doc], doc));
            if (heap.Count > n)
            {
                heap.Dequeue();
            }
        }

        var top = new List<int>(heap.Count);
        while (heap.Count > 0)
        {
            top.Add(heap.Dequeue());
        }

        top.Reverse();
        return top;
    }
}

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// An incremental Okapi BM25 inverted index over documents numbered 0..n-1 (a memory's ordinal, or its position in a
/// historical snapshot). It keeps postings and document lengths only: the caller passes a document's old terms when
/// it replaces them, because it still holds the old row, so the index never keeps a second copy of any text.
/// </summary>
internal sealed class Bm25Index
{
    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly List<Postings> _postings = [];
    private readonly List<int> _lengths = [];
    private long _totalLength;

    /// <summary>Documents indexed (the highest document number plus one).</summary>
    public int Documents => _lengths.Count;

    /// <summary>Distinct terms seen (including those whose postings have since emptied).</summary>
    public int Terms => _termIds.Count;

    /// <summary>The id of <paramref name="term"/>, added when new (no string is allocated for a known term).</summary>
    public int Intern(ReadOnlySpan<char> term)
    {
        var lookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(term, out var id))
        {
            id = _postings.Count;
            lookup[term] = id;
            _postings.Add(new Postings());
        }

        return id;
    }

    /// <summary>
    /// Indexes document <paramref name="doc"/> with the terms <paramref name="termIds"/> (from <see cref="Intern"/>),
    /// first removing the postings of <paramref name="oldTermIds"/> (its previous terms; null for a new document).
    /// Documents are added in order.
    /// </summary>
    public void Set(int doc, List<int>? oldTermIds, List<int> termIds)
    {
        if (doc == _lengths.Count)
        {
            _lengths.Add(0);
        }
        else if (doc > _lengths.Count || doc < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(doc), doc, "documents are added in order");
        }

        if (oldTermIds is not null)
        {
            foreach (var (id, _) in Counts(oldTermIds))
            {
                _postings[id].Remove(doc);
            }

            _totalLength -= _lengths[doc];
        }

        foreach (var (id, tf) in Counts(termIds))
        {
            _postings[id].Add(doc, tf);
        }

        _lengths[doc] = termIds.Count;
        _totalLength += termIds.Count;
    }

    /// <summary>Forgets every document.</summary>
    public void Clear()
    {
        _termIds.Clear();
        _postings.Clear();
        _lengths.Clear();
        _totalLength = 0;
    }

    /// <summary>
    /// BM25 of every document that shares a term with <paramref name="queryTerms"/> (each distinct term counted once),
    /// divided by the highest score the query could attain, <c>Σ idf(t)·(k1+1)</c>; terms the index has never seen
    /// count in that maximum, so a query about something never remembered scores low everywhere.
    /// </summary>
    /// <param name="queryTerms">The query's terms.</param>
    /// <param name="allowed">Documents the prefilter allows, or null for all.</param>
    /// <param name="k1">Term-frequency saturation.</param>
    /// <param name="b">Length normalisation.</param>
    public ChannelScores Score(IReadOnlyList<string> queryTerms, bool[]? allowed, double k1, double b)
    {
        var scores = new float[_lengths.Count];
        var touched = new List<int>();
        var n = _lengths.Count;
        var averageLength = n == 0 ? 1 : Math.Max(1e-9, (double)_totalLength / n);
        var maximum = 0.0;
        foreach (var term in queryTerms.Distinct(StringComparer.Ordinal))
        {
            var postings = _termIds.TryGetValue(term, out var id) ? _postings[id] : null;
            var df = postings?.Count ?? 0;
            var idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
            maximum += idf * (k1 + 1);
            for (var i = 0; i < df; i++)
            {
                var doc = postings!.Docs[i];
                if (allowed is not null && (doc >= allowed.Length || !allowed[doc]))
                {
                    continue;
                }

                var tf = postings.Frequencies[i];
                var norm = k1 * (1 - b + (b * _lengths[doc] / averageLength));
                if (scores[doc] == 0)
                {
                    touched.Add(doc);
                }

                scores[doc] += (float)(idf * tf * (k1 + 1) / (tf + norm));
            }
        }

        if (maximum > 0)
        {
            foreach (var doc in touched)
            {
                scores[doc] = (float)(scores[doc] / maximum);
            }
        }

        return new ChannelScores(scores, touched);
    }

    /// <summary>Each distinct id with its count (sorts <paramref name="ids"/> in place; documents are short).</summary>
    private static List<(int Id, int Count)> Counts(List<int> ids)
    {
        ids.Sort();
        var counts = new List<(int, int)>(ids.Count);
        for (var i = 0; i < ids.Count;)
        {
            var j = i + 1;
            while (j < ids.Count && ids[j] == ids[i])
            {
                j++;
            }

            counts.Add((ids[i], j - i));
            i = j;
        }

        return counts;
    }

    /// <summary>One term's documents and frequencies, unordered (removal swaps in the last entry).</summary>
    private sealed class Postings
    {
        public int[] Docs { get; private set; } = new int[2];

        public int[] Frequencies { get; private set; } = new int[2];

        public int Count { get; private set; }

        public void Add(int doc, int tf)
        {
            if (Count == Docs.Length)
            {
                Docs = Grow(Docs);
                Frequencies = Grow(Frequencies);
            }

            Docs[Count] = doc;
            Frequencies[Count] = tf;
            Count++;
        }

        public void Remove(int doc)
        {
            var i = Array.IndexOf(Docs, doc, 0, Count);
            if (i < 0)
            {
                return;
            }

            Count--;
            Docs[i] = Docs[Count];
            Frequencies[i] = Frequencies[Count];
        }

        private static int[] Grow(int[] array)
        {
            var grown = new int[array.Length * 2];
            array.CopyTo(grown, 0);
            return grown;
        }
    }
}

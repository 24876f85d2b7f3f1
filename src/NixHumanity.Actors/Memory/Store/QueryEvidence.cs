namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// What the retrieval channels found for one query at one version: the dense channel's top N, the two lexical
/// channels' scores, and how to read any document's cosine and success rate. <see cref="Fuse"/> turns it into the
/// response a fused search gives. The live search gathers the channels its options turn on and fuses once; the
/// evaluation's weight sweep gathers every channel once per request (<see cref="VectorMemoryStore.GatherEvidence"/>)
/// and fuses it under hundreds of weightings — the same code as the store's own search, so the sweep's figures are
/// the store's.
/// </summary>
internal sealed class QueryEvidence
{
    private readonly IReadOnlyList<int> _dense;
    private readonly Func<int, float> _similarity;
    private readonly ChannelScores _lexical;
    private readonly ChannelScores _typo;
    private readonly Func<int, float> _successRate;
    private readonly Func<FusedHit, MemorySearchResult> _toResult;
    private readonly long _version;
    private readonly SearchStrategy _strategy;
    private readonly int _candidates;
    private readonly VectorMemoryStoreOptions _gatheredWith;

    /// <summary>The channels' findings for one query.</summary>
    /// <param name="depth">How many candidates each channel proposes (<c>max(k, ChannelCandidates)</c> of the search).</param>
    /// <param name="dense">The dense channel's top <paramref name="depth"/>, best first (empty when it did not run).</param>
    /// <param name="similarity">Cosine of any document with the query.</param>
    /// <param name="lexical">The word channel's scores (<see cref="ChannelScores.None"/> when it did not run).</param>
    /// <param name="typo">The 3-gram channel's scores (likewise).</param>
    /// <param name="successRate">Success rate of any document.</param>
    /// <param name="toResult">The result a fused hit becomes.</param>
    /// <param name="version">The version searched.</param>
    /// <param name="strategy">How the dense channel searched.</param>
    /// <param name="candidates">Rows the search could return (after the prefilter).</param>
    /// <param name="gatheredWith">The options the channels were computed with (which ran, BM25 parameters).</param>
    public QueryEvidence(
        int depth, IReadOnlyList<int> dense, Func<int, float> similarity, ChannelScores lexical, ChannelScores typo, Func<int, float> successRate,
        Func<FusedHit, MemorySearchResult> toResult, long version, SearchStrategy strategy, int candidates, VectorMemoryStoreOptions gatheredWith)
    {
        Depth = depth;
        _dense = dense;
        _similarity = similarity;
        _lexical = lexical;
        _typo = typo;
        _successRate = successRate;
        _toResult = toResult;
        _version = version;
        _strategy = strategy;
        _candidates = candidates;
        _gatheredWith = gatheredWith;
    }

    /// <summary>How many candidates each channel proposed.</summary>
    public int Depth { get; }

    /// <summary>
    /// The response of a fused search for the <paramref name="k"/> best under <paramref name="options"/>, exactly as the
    /// store's search gives it: a channel whose weight is 0 there neither proposes candidates nor counts.
    /// </summary>
    /// <exception cref="ArgumentException">The options need a channel that was not gathered, another candidate depth or other BM25 parameters.</exception>
    public MemorySearchResponse Fuse(int k, VectorMemoryStoreOptions options)
    {
        RequireGathered(k, options);
        var (fused, best) = ChannelFusion.Fuse(
            k,
            options.DenseWeight > 0 ? _dense : [],
            _similarity,
            options.LexicalWeight > 0 ? _lexical : ChannelScores.None,
            options.TypoWeight > 0 ? _typo : ChannelScores.None,
            _successRate,
            options);
        return SearchFusion.Respond(fused.Select(_toResult).ToList(), best, _version, _strategy, _candidates, options);
    }

    /// <summary>
    /// This evidence with every document's cosine computed at most once (for fusing it many times: the weight sweep).
    /// </summary>
    public QueryEvidence WithCachedSimilarity()
    {
        var cache = new Dictionary<int, float>();
        var similarity = _similarity;
        return new QueryEvidence(Depth, _dense, doc =>
        {
            if (!cache.TryGetValue(doc, out var value))
            {
                value = similarity(doc);
                cache[doc] = value;
            }

            return value;
        }, _lexical, _typo, _successRate, _toResult, _version, _strategy, _candidates, _gatheredWith);
    }

    private void RequireGathered(int k, VectorMemoryStoreOptions options)
    {
        if (Math.Max(k, options.ChannelCandidates) != Depth)
        {
            throw new ArgumentException($"the evidence was gathered {Depth} deep; k and ChannelCandidates ask for {Math.Max(k, options.ChannelCandidates)}", nameof(options));
        }

        if ((options.DenseWeight > 0 && _gatheredWith.DenseWeight <= 0) ||
            (options.LexicalWeight > 0 && _gatheredWith.LexicalWeight <= 0) ||
            (options.TypoWeight > 0 && _gatheredWith.TypoWeight <= 0))
        {
            throw new ArgumentException("a channel these options weigh was not gathered", nameof(options));
        }

        if (options.Bm25K1 != _gatheredWith.Bm25K1 || options.Bm25B != _gatheredWith.Bm25B)
        {
            throw new ArgumentException("the lexical channels were scored with other BM25 parameters", nameof(options));
        }
    }
}

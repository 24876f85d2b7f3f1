namespace NixHumanity.Actors.Memory.Store;

/// <summary>What the live and historical searches share around <see cref="ChannelFusion"/>.</summary>
internal static class SearchFusion
{
    /// <summary>
    /// True when the query goes through fusion: it has a text and a lexical channel is on, or the fusion is
    /// reciprocal-rank. Otherwise the dense scan ranks alone (the vector-only path, unchanged).
    /// </summary>
    public static bool IsHybrid(MemoryQuery query, VectorMemoryStoreOptions options) =>
        !string.IsNullOrWhiteSpace(query.Text) &&
        (options.LexicalWeight > 0 || options.TypoWeight > 0 || options.Fusion == FusionMode.ReciprocalRank);

    /// <summary>The prefilter as a mask over <paramref name="count"/> documents (null: everything is allowed).</summary>
    public static bool[]? Mask(int[]? allowed, int count)
    {
        if (allowed is null)
        {
            return null;
        }

        var mask = new bool[count];
        foreach (var doc in allowed)
        {
            mask[doc] = true;
        }

        return mask;
    }

    /// <summary>
    /// The response, flagged as abstaining when <paramref name="best"/> is below the threshold; the results stay, so
    /// a caller can still show "the closest I remember" and an evaluation can score hits and abstentions in one run.
    /// </summary>
    public static MemorySearchResponse Respond(
        IReadOnlyList<MemorySearchResult> results, double best, long version, SearchStrategy strategy, int candidates, VectorMemoryStoreOptions options)
    {
        var abstained = best < options.AbstainBelow;
        return new MemorySearchResponse(results, version, strategy, candidates, abstained, best);
    }
}

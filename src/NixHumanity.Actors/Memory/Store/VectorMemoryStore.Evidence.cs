namespace NixHumanity.Actors.Memory.Store;

/// <summary>The evidence of every channel for one query, for fusing it under many weightings (the evaluation's weight sweep).</summary>
internal sealed partial class VectorMemoryStore
{
    /// <summary>
    /// What every channel (dense, words, 3-grams) finds for <paramref name="query"/> at the live version, each proposing
    /// its top <c>max(k, ChannelCandidates)</c>, with this store's BM25 parameters. <see cref="QueryEvidence.Fuse"/>
    /// then gives, under any channel weights and fusion mode with the same depth and BM25 parameters, exactly the
    /// response <see cref="Search(MemoryQuery, int, string?, MemoryAsOf?)"/> gives for a text query when the store is
    /// opened with those options (the live search fuses through the same code). Valid until the store next changes.
    /// </summary>
    /// <param name="query">Query text (not blank) and embedding.</param>
    /// <param name="k">Results the fused searches will ask for, 1..<see cref="MaxK"/>.</param>
    /// <exception cref="Contracts.InvalidInputException">k or the vector is invalid, or the query has no text.</exception>
    internal QueryEvidence GatherEvidence(MemoryQuery query, int k)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(query);
        MemoryInputRules.RequireK(k);
        ThrowIfOtherDimension();
        if (string.IsNullOrWhiteSpace(query.Text))
        {
            throw MemoryInputRules.Reject("query", "needs a text for the lexical channels");
        }

        var normalised = query with { Vector = MemoryInputRules.NormaliseVector(query.Vector, Dimensions, nameof(query)) };
        var everyChannel = _options with { DenseWeight = 1, LexicalWeight = 1, TypoWeight = 1 };
        return _liveSearch.Gather(normalised, Math.Max(k, _options.ChannelCandidates), null, everyChannel, CurrentVersion).WithCachedSimilarity();
    }
}

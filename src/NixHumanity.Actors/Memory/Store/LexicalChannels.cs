namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The two lexical channels of one store version, derived from its rows: BM25 over the stemmed words of each
/// memory's text and command, and BM25 over the character 3-grams of the unstemmed words (typo channel). Nothing here is persisted: the rows are the
/// only truth, so time travel, compaction, export and forget stay consistent with the lexical channels by
/// construction (docs/adr/0009).
/// </summary>
internal sealed class LexicalChannels
{
    private readonly Bm25Index _words = new();
    private readonly Bm25Index _trigrams = new();

    /// <summary>Documents indexed.</summary>
    public int Documents => _words.Documents;

    /// <summary>Indexes (or re-indexes) document <paramref name="doc"/>; <paramref name="old"/> is its previous row, if any.</summary>
    public void Set(int doc, MemoryEntry? old, MemoryEntry entry)
    {
        var oldWords = old is null ? null : MemoryTokens.Words(old.Text, old.Command);
        var words = MemoryTokens.Words(entry.Text, entry.Command);
        _words.Set(doc, oldWords is null ? null : WordIds(oldWords), WordIds(words));
        _trigrams.Set(doc, oldWords is null ? null : TrigramIds(oldWords), TrigramIds(words));
    }

    /// <summary>Forgets every document.</summary>
    public void Clear()
    {
        _words.Clear();
        _trigrams.Clear();
    }

    /// <summary>The query's scores on the word and typo channels (a channel whose weight is 0 does not run).</summary>
    /// <param name="text">The query text.</param>
    /// <param name="allowed">Documents the prefilter allows, or null for all.</param>
    /// <param name="options">Weights and BM25 parameters.</param>
    public (ChannelScores Lexical, ChannelScores Typo) Score(string text, bool[]? allowed, VectorMemoryStoreOptions options)
    {
        var words = MemoryTokens.Words(text);
        var lexical = options.LexicalWeight > 0 ? _words.Score(MemoryTokens.Stems(words), allowed, options.Bm25K1, options.Bm25B) : ChannelScores.None;
        var typo = options.TypoWeight > 0 ? _trigrams.Score(MemoryTokens.Trigrams(words), allowed, options.Bm25K1, options.Bm25B) : ChannelScores.None;
        return (lexical, typo);
    }

    // Stemmed for the word channel only: the 3-gram channel already meets "painting" and "paint" on shared grams,
    // and stemming its input lost more typo matches than it gained (docs/benchmarks-retrieval.md).
    private List<int> WordIds(List<string> words) => words.ConvertAll(w => _words.Intern(LightStemmer.Stem(w)));

    private List<int> TrigramIds(List<string> words)
    {
        var ids = new List<int>();
        MemoryTokens.ForEachTrigram(words, gram => ids.Add(_trigrams.Intern(gram)));
        return ids;
    }
}

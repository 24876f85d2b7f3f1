namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// Fuses the retrieval channels of one query: the candidates are the union of each active channel's top N, every
/// candidate is scored on every channel, and the channel scores become one relevance (<see cref="FusionMode"/>).
/// The ranking score then blends relevance and success rate as a vector-only search does; confidence is the
/// relevance blended with the cosine and the margin over the other candidates (<see cref="FusedConfidence"/>). A channel whose weight is 0 neither proposes candidates nor counts, so a single
/// positive weight gives exactly that channel's ranking.
/// </summary>
internal static class ChannelFusion
{
    /// <summary>The best <paramref name="k"/> candidates, best first, and the highest confidence among all candidates.</summary>
    /// <param name="k">Results wanted.</param>
    /// <param name="dense">The dense channel's top N documents, best first (empty when its weight is 0).</param>
    /// <param name="similarity">Cosine of any document with the query.</param>
    /// <param name="lexical">The word channel's scores.</param>
    /// <param name="typo">The 3-gram channel's scores.</param>
    /// <param name="successRate">Success rate of any document.</param>
    /// <param name="options">Weights, fusion mode and candidate depth.</param>
    public static (List<FusedHit> Top, double BestConfidence) Fuse(
        int k, IReadOnlyList<int> dense, Func<int, float> similarity, ChannelScores lexical, ChannelScores typo,
        Func<int, float> successRate, VectorMemoryStoreOptions options)
    {
        var depth = Math.Max(k, options.ChannelCandidates);
        var lexicalTop = lexical.Top(depth);
        var typoTop = typo.Top(depth);
        var candidates = new HashSet<int>(dense);
        candidates.UnionWith(lexicalTop);
        candidates.UnionWith(typoTop);

        var weights = new Weights(options);
        var ranks = options.Fusion == FusionMode.ReciprocalRank ? new Ranks(dense, lexicalTop, typoTop) : null;
        var scored = new List<(int Doc, MemoryChannelScores Channels, double Relevance)>(candidates.Count);
        foreach (var doc in candidates)
        {
            var channels = new MemoryChannelScores(similarity(doc), lexical.Of(doc), typo.Of(doc));
            scored.Add((doc, channels, ranks is null ? weights.Combine(channels) : ranks.Combine(doc, weights, options.RrfK)));
        }

        var confidence = new FusedConfidence(scored.Select(s => s.Relevance), options);
        var hits = new List<FusedHit>(scored.Count);
        var best = 0.0;
        foreach (var (doc, channels, relevance) in scored)
        {
            var sure = confidence.Of(relevance, channels.Dense);
            best = Math.Max(best, sure);
            var score = (options.SimilarityWeight * relevance) + (options.SuccessRateWeight * successRate(doc));
            hits.Add(new FusedHit(doc, score, relevance, sure, channels));
        }

        hits.Sort(static (a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            var byRelevance = b.Relevance.CompareTo(a.Relevance);
            return byScore != 0 ? byScore : byRelevance != 0 ? byRelevance : a.Doc.CompareTo(b.Doc);
        });
        return (hits.Take(k).ToList(), best);
    }

    /// <summary>The channel weights divided by their sum, so relevance stays in the channels' range.</summary>
    private readonly struct Weights(VectorMemoryStoreOptions options)
    {
        private readonly double _sum = options.DenseWeight + options.LexicalWeight + options.TypoWeight;

        public double Dense => options.DenseWeight / _sum;

        public double Lexical => options.LexicalWeight / _sum;

        public double Typo => options.TypoWeight / _sum;

        public double Combine(MemoryChannelScores s) => (Dense * s.Dense) + (Lexical * s.Lexical) + (Typo * s.Typo);
    }

    /// <summary>Each candidate's 1-based rank in each channel's top list.</summary>
    private sealed class Ranks(IReadOnlyList<int> dense, IReadOnlyList<int> lexical, IReadOnlyList<int> typo)
    {
        private readonly Dictionary<int, int> _dense = RankOf(dense);
        private readonly Dictionary<int, int> _lexical = RankOf(lexical);
        private readonly Dictionary<int, int> _typo = RankOf(typo);

        public double Combine(int doc, Weights w, int rrfK)
        {
            var maximum = (w.Dense + w.Lexical + w.Typo) / (rrfK + 1.0);
            var sum = Term(_dense, doc, w.Dense, rrfK) + Term(_lexical, doc, w.Lexical, rrfK) + Term(_typo, doc, w.Typo, rrfK);
            return sum / maximum;
        }

        private static double Term(Dictionary<int, int> ranks, int doc, double weight, int rrfK) =>
            ranks.TryGetValue(doc, out var rank) ? weight / (rrfK + rank) : 0;

        private static Dictionary<int, int> RankOf(IReadOnlyList<int> top) =>
            top.Select((doc, i) => (doc, i)).ToDictionary(p => p.doc, p => p.i + 1);
    }
}

/// <summary>One fused candidate.</summary>
/// <param name="Doc">Its ordinal (live) or position (historical).</param>
/// <param name="Score">Ranking score: relevance blended with success rate.</param>
/// <param name="Relevance">The fused channel score.</param>
/// <param name="Confidence">How sure the store is that it is relevant, in [0,1] (<see cref="FusedConfidence"/>).</param>
/// <param name="Channels">Its score on every channel.</param>
internal readonly record struct FusedHit(int Doc, double Score, double Relevance, double Confidence, MemoryChannelScores Channels);

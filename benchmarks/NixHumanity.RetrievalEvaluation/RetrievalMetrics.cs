namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// What one search returned for one question: the memory ids best first, the ids that answer it (empty when
/// nothing remembered does), whether the search abstained, and how long the search call took.
/// </summary>
/// <param name="Group">The group the question is reported in (a request kind or a LoCoMo category).</param>
/// <param name="Ranked">Returned memory ids, best first.</param>
/// <param name="Relevant">The ids that answer the question; empty for an unanswerable one.</param>
/// <param name="Abstained">True when the search said nothing remembered is relevant.</param>
/// <param name="SearchMilliseconds">Wall time of the search call.</param>
/// <param name="BestConfidence">The store's highest candidate confidence (what its abstention threshold is compared with).</param>
/// <param name="Round">The round of the NixOS set the request was written in (0 for LoCoMo).</param>
internal sealed record QueryOutcome(
    string Group,
    IReadOnlyList<string> Ranked,
    IReadOnlySet<string> Relevant,
    bool Abstained,
    double SearchMilliseconds,
    double BestConfidence = 0,
    int Round = 0)
{
    /// <summary>Whether some memory answers the question.</summary>
    public bool Answerable => Relevant.Count > 0;
}

/// <summary>The retrieval metrics, on one question at a time; <see cref="ScoreCard"/> averages them.</summary>
internal static class RetrievalMetrics
{
    /// <summary>1 when any relevant id is among the first <paramref name="k"/> ranked ids, else 0.</summary>
    public static double HitAt(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return ranked.Take(k).Any(relevant.Contains) ? 1 : 0;
    }

    /// <summary>The share of the relevant ids found among the first <paramref name="k"/> ranked ids (0 when none is relevant).</summary>
    public static double RecallAt(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (relevant.Count == 0)
        {
            return 0;
        }

        return (double)ranked.Take(k).Distinct(StringComparer.Ordinal).Count(relevant.Contains) / relevant.Count;
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count; NaN when empty).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>Averages of the metrics over a set of questions.</summary>
/// <param name="Questions">Answerable questions.</param>
/// <param name="Hit1">Share with a relevant memory first.</param>
/// <param name="Hit3">Share with a relevant memory in the top 3.</param>
/// <param name="Hit5">Share with a relevant memory in the top 5.</param>
/// <param name="Hit10">Share with a relevant memory in the top 10.</param>
/// <param name="Recall10">Mean share of the relevant memories in the top 10.</param>
/// <param name="WrongAbstention">Share of the answerable questions on which the search abstained.</param>
/// <param name="Unanswerable">Unanswerable questions.</param>
/// <param name="Abstention">Share of the unanswerable questions on which the search abstained (NaN when there are none).</param>
/// <param name="Mrr10">Mean reciprocal rank of the first relevant memory within the top 10 (0 when none is there).</param>
internal sealed record Scores(
    int Questions,
    double Hit1,
    double Hit3,
    double Hit5,
    double Hit10,
    double Recall10,
    double WrongAbstention,
    int Unanswerable,
    double Abstention,
    double Mrr10);

/// <summary>Collects <see cref="QueryOutcome"/>s and reports <see cref="Scores"/> overall and per group.</summary>
internal sealed class ScoreCard
{
    private readonly List<QueryOutcome> _outcomes = [];

    /// <summary>Every outcome added so far.</summary>
    public IReadOnlyList<QueryOutcome> Outcomes => _outcomes;

    /// <summary>Adds one question's outcome.</summary>
    public void Add(QueryOutcome outcome) => _outcomes.Add(outcome);

    /// <summary>The groups seen, in the order first added.</summary>
    public IReadOnlyList<string> Groups => _outcomes.Select(o => o.Group).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Scores over every outcome.</summary>
    public Scores Overall => Score(_outcomes);

    /// <summary>Scores over the outcomes of the given rounds of the NixOS set.</summary>
    public Scores ForRounds(params int[] rounds) => Score(_outcomes.Where(o => rounds.Contains(o.Round)).ToList());

    /// <summary>A card holding only the outcomes of the given rounds of the NixOS set.</summary>
    public ScoreCard OfRounds(params int[] rounds)
    {
        var card = new ScoreCard();
        card._outcomes.AddRange(_outcomes.Where(o => rounds.Contains(o.Round)));
        return card;
    }

    /// <summary>Scores over the outcomes of <paramref name="group"/>.</summary>
    public Scores For(string group) => Score(_outcomes.Where(o => o.Group == group).ToList());

    /// <summary>Median wall time of the search calls, in milliseconds.</summary>
    public double SearchP50Milliseconds => RetrievalMetrics.Median(_outcomes.Select(o => o.SearchMilliseconds).ToList());

    /// <summary>
    /// What a store opened with <c>AbstainBelow = threshold</c> would abstain on, from the confidences this card
    /// recorded: the share of the unanswerable questions (correct abstentions) and of the answerable ones (wrong).
    /// </summary>
    public (double Correct, double Wrong) AbstentionAt(double threshold)
    {
        var unanswerable = _outcomes.Where(o => !o.Answerable).ToList();
        var answerable = _outcomes.Where(o => o.Answerable).ToList();
        return (Mean(unanswerable, o => o.BestConfidence < threshold ? 1 : 0), Mean(answerable, o => o.BestConfidence < threshold ? 1 : 0));
    }

    /// <summary>
    /// The trade-off curve of the recorded confidences: for a share <paramref name="wrong"/> of the answerable
    /// questions allowed to be wrongly abstained on, the threshold that does so (the confidence at that quantile of
    /// the answerable ones) and the share of the unanswerable questions it then abstains on.
    /// </summary>
    public (double Threshold, double Correct) AbstentionAllowing(double wrong)
    {
        var answerable = _outcomes.Where(o => o.Answerable).Select(o => o.BestConfidence).Order().ToArray();
        if (answerable.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        var threshold = answerable[Math.Min(answerable.Length - 1, (int)Math.Floor(wrong * answerable.Length))];
        return (threshold, AbstentionAt(threshold).Correct);
    }

    /// <summary>The metrics of <paramref name="outcomes"/>; shares over an empty set are NaN.</summary>
    public static Scores Score(IReadOnlyList<QueryOutcome> outcomes)
    {
        var answerable = outcomes.Where(o => o.Answerable).ToList();
        var unanswerable = outcomes.Where(o => !o.Answerable).ToList();
        return new Scores(
            answerable.Count,
            Mean(answerable, o => RetrievalMetrics.HitAt(o.Ranked, o.Relevant, 1)),
            Mean(answerable, o => RetrievalMetrics.HitAt(o.Ranked, o.Relevant, 3)),
            Mean(answerable, o => RetrievalMetrics.HitAt(o.Ranked, o.Relevant, 5)),
            Mean(answerable, o => RetrievalMetrics.HitAt(o.Ranked, o.Relevant, 10)),
            Mean(answerable, o => RetrievalMetrics.RecallAt(o.Ranked, o.Relevant, 10)),
            Mean(answerable, o => o.Abstained ? 1 : 0),
            unanswerable.Count,
            Mean(unanswerable, o => o.Abstained ? 1 : 0),
            Mean(answerable, o => ReciprocalRank(o.Ranked, o.Relevant, 10)));
    }

    private static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        var rank = ranked.Take(k).ToList().FindIndex(relevant.Contains);
        return rank < 0 ? 0 : 1.0 / (rank + 1);
    }

    private static double Mean(IReadOnlyList<QueryOutcome> outcomes, Func<QueryOutcome, double> metric) =>
        outcomes.Count == 0 ? double.NaN : outcomes.Average(metric);
}

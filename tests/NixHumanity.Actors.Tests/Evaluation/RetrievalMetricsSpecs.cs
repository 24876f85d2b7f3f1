using NixHumanity.RetrievalEvaluation;

namespace NixHumanity.Actors.Tests.Evaluation;

/// <summary>The metric code of benchmarks/NixHumanity.RetrievalEvaluation on tiny hand-made rankings.</summary>
public sealed class RetrievalMetricsSpecs
{
    private static readonly IReadOnlyList<string> Ranked = ["a", "b", "c", "d", "e"];

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 1.0)]
    [InlineData(5, 1.0)]
    public void Hit_at_k_is_one_when_any_relevant_id_is_in_the_first_k(int k, double expected) =>
        RetrievalMetrics.HitAt(Ranked, Set("b", "z"), k).Should().Be(expected);

    [Fact]
    public void Hit_at_k_counts_nothing_for_an_empty_ranking_or_no_relevant_id()
    {
        RetrievalMetrics.HitAt([], Set("a"), 10).Should().Be(0);
        RetrievalMetrics.HitAt(Ranked, Set(), 10).Should().Be(0);
    }

    [Fact]
    public void Recall_at_k_is_the_share_of_relevant_ids_found_in_the_first_k()
    {
        RetrievalMetrics.RecallAt(Ranked, Set("a", "d", "z", "y"), 10).Should().Be(0.5);
        RetrievalMetrics.RecallAt(Ranked, Set("a", "d", "z", "y"), 3).Should().Be(0.25);
        RetrievalMetrics.RecallAt(["a", "a", "b"], Set("a", "c"), 3).Should().Be(0.5, "a repeated id is found once");
        RetrievalMetrics.RecallAt(Ranked, Set(), 10).Should().Be(0);
    }

    [Fact]
    public void K_below_one_is_refused()
    {
        var hit = () => RetrievalMetrics.HitAt(Ranked, Set("a"), 0);
        var recall = () => RetrievalMetrics.RecallAt(Ranked, Set("a"), 0);
        hit.Should().Throw<ArgumentOutOfRangeException>();
        recall.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        RetrievalMetrics.Median([3.0, 1.0, 2.0]).Should().Be(2.0);
        RetrievalMetrics.Median([4.0, 1.0, 3.0, 2.0]).Should().Be(2.5);
        RetrievalMetrics.Median([]).Should().Be(double.NaN);
    }

    [Fact]
    public void Score_card_averages_answerable_questions_and_measures_abstention_on_each_side()
    {
        var card = new ScoreCard();
        card.Add(Outcome("voice", ["a", "b", "c"], Set("a"), abstained: false));    // top-1
        card.Add(Outcome("voice", ["x", "y", "b"], Set("b"), abstained: false));    // top-3
        card.Add(Outcome("typo", [], Set("c"), abstained: true));                   // wrong abstention
        card.Add(Outcome("typo", ["x", "y", "z", "w", "c"], Set("c", "d"), abstained: false)); // top-5, recall 1/2
        card.Add(Outcome("none", [], Set(), abstained: true));                      // right abstention
        card.Add(Outcome("none", ["a"], Set(), abstained: false));                  // answered an unanswerable one
        card.Add(Outcome("none", [], Set(), abstained: true));

        var overall = card.Overall;
        overall.Questions.Should().Be(4);
        overall.Hit1.Should().Be(0.25);
        overall.Hit3.Should().Be(0.5);
        overall.Hit5.Should().Be(0.75);
        overall.Hit10.Should().Be(0.75);
        overall.Recall10.Should().Be((1 + 1 + 0 + 0.5) / 4);
        overall.WrongAbstention.Should().Be(0.25);
        overall.Unanswerable.Should().Be(3);
        overall.Abstention.Should().BeApproximately(2.0 / 3, 1e-12);
        card.Groups.Should().Equal("voice", "typo", "none");
        card.For("voice").Hit3.Should().Be(1);
        card.For("voice").Abstention.Should().Be(double.NaN, "no unanswerable question in that group");
        card.For("none").Questions.Should().Be(0);
        card.For("none").Hit1.Should().Be(double.NaN);
    }

    [Fact]
    public void Score_card_search_p50_is_the_median_search_time()
    {
        var card = new ScoreCard();
        foreach (var ms in new[] { 5.0, 1.0, 2.0 })
        {
            card.Add(new QueryOutcome("g", ["a"], Set("a"), false, ms));
        }

        card.SearchP50Milliseconds.Should().Be(2.0);
    }

    private static QueryOutcome Outcome(string group, IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, bool abstained) =>
        new(group, ranked, relevant, abstained, 1.0);

    private static HashSet<string> Set(params string[] ids) => new(ids, StringComparer.Ordinal);
}

using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// A query runs on the cores it is lent and leaves the learners' shared DuckDB instance on that count until the next
/// query (changing it restarts DuckDB's worker threads, docs/benchmarks-learning.md); the answers are the same on one
/// thread and on several. The thread count is the whole process's instance's, so these specs run alone.
/// </summary>
[Collection(QueryThreadLendingCollection.Name)]
public sealed class QueryThreadLendingSpecs : IDisposable
{
    private readonly TempDataDirectory _temp = new();

    public void Dispose()
    {
        QueryThreads.MeasurementCores = null;
        _temp.Dispose();
    }

    [Fact]
    public void A_query_leaves_the_count_it_was_lent_until_the_next_query_sets_another()
    {
        using var db = AnalyticsDatabase.Open(Path.Combine(_temp.Path, AnalyticsStore.FileName));
        try
        {
            QueryThreads.MeasurementCores = 3;
            QueryThreads.Lend(db).Should().Be(3);
            QueryThreads.CurrentThreads(db).Should().Be(3, "the lent threads stay after the query");
            QueryThreads.Lend(db).Should().Be(3);
            QueryThreads.CurrentThreads(db).Should().Be(3);

            QueryThreads.MeasurementCores = 1;
            QueryThreads.Lend(db).Should().Be(1);
            QueryThreads.CurrentThreads(db).Should().Be(1, "a query on a busy machine sets the count back down");
        }
        finally
        {
            QueryThreads.MeasurementCores = 1;
            QueryThreads.Lend(db);
        }
    }

    [Fact]
    public void The_three_queries_answer_the_same_on_one_thread_and_on_several()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        store.ApplyBatch(AnalyticsFixture.Journal("maya", seed: 11, interactions: 3000));
        try
        {
            QueryThreads.MeasurementCores = 1;
            var one = (store.FlowRows(), store.LearningCurveRows("maya"), store.InterruptionRows("maya"));
            QueryThreads.MeasurementCores = 4;
            var several = (store.FlowRows(), store.LearningCurveRows("maya"), store.InterruptionRows("maya"));

            one.Item1.Should().NotBeEmpty();
            one.Item2.Should().NotBeEmpty();
            one.Item3.Should().NotBeEmpty();
            several.Item1.Should().Equal(one.Item1);
            several.Item2.Should().Equal(one.Item2);
            several.Item3.Should().Equal(one.Item3);
        }
        finally
        {
            QueryThreads.MeasurementCores = 1;
            store.FlowRows();
        }
    }
}

/// <summary>Specs that change the thread count of the process's learners' DuckDB instance; xunit runs them alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QueryThreadLendingCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "DuckDB thread count of the learners' instance";
}

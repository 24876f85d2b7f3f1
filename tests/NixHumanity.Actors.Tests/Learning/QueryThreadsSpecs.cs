using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>A query borrows the cores that are idle: processors minus the load average, at least one.</summary>
public sealed class QueryThreadsSpecs
{
    [Theory]
    [InlineData(2, 0.1, 2)]
    [InlineData(2, 0.6, 1)]
    [InlineData(2, 30.0, 1)]
    [InlineData(8, 2.4, 6)]
    [InlineData(4, null, 4)]
    [InlineData(4, double.NaN, 4)]
    [InlineData(1, 0.0, 1)]
    public void Free_threads_are_the_idle_cores_and_never_fewer_than_one(int processors, double? load, int expected) =>
        QueryThreads.Free(processors, load).Should().Be(expected);
}

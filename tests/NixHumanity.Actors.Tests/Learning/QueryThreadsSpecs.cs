using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// A query borrows the cores that are idle: processors minus the load others cause (the load average minus this
/// process's own share), at least one.
/// </summary>
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

    [Theory]
    [InlineData(2, 1.9, 1.7, 2)]
    [InlineData(2, 1.9, 0.2, 1)]
    [InlineData(2, 30.0, 1.9, 1)]
    [InlineData(8, 4.0, 1.0, 5)]
    [InlineData(2, 0.5, 3.0, 2)]
    [InlineData(2, 1.0, double.NaN, 1)]
    public void The_load_this_process_causes_itself_is_not_counted_as_busy(int processors, double load, double own, int expected) =>
        QueryThreads.Free(processors, load, own).Should().Be(expected);
}

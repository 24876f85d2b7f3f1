using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// A query borrows the cores that are idle: processors minus the threads running or ready to run besides the asking
/// one (the kernel's runnable count), at least one.
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
    [InlineData("0.52 0.58 0.59 1/467 12345", 0)]
    [InlineData("2.87 2.58 9.10 3/90 8709", 2)]
    [InlineData("48.1 50.2 44.0 51/612 99", 50)]
    [InlineData("0.00 0.00 0.00 0/10 1", 0)]
    [InlineData("0.52 0.58 0.59", null)]
    [InlineData("0.52 0.58 0.59 x/467 1", null)]
    public void Busy_threads_are_the_runnable_ones_but_the_reader(string line, int? expected) =>
        QueryThreads.RunnableOthers(line).Should().Be(expected);

    [Theory]
    [InlineData(1, 2, 0, 2)]
    [InlineData(2, 2, 1, 2)]
    [InlineData(2, 2, 2, 1)]
    [InlineData(2, 2, 40, 1)]
    [InlineData(1, 2, 1, 1)]
    [InlineData(8, 8, 3, 8)]
    [InlineData(8, 8, 5, 3)]
    [InlineData(3, 8, 0, 8)]
    [InlineData(2, 2, null, 2)]
    public void A_count_is_raised_to_the_free_cores_and_lowered_only_when_the_machine_is_clearly_busy(int current, int processors, int? busy, int expected) =>
        QueryThreads.Settle(current, processors, busy).Should().Be(expected);
}

using System.Text.RegularExpressions;
using FluentAssertions.Execution;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Input.Hostile;

/// <summary>
/// The hostile-input suite: every row of <see cref="HostileCases"/> is refused with its exit code and one
/// <c>nixh: field: rule</c> line (no .NET type name, no stack trace), ends within a bound only a hang reaches,
/// allocates a bounded amount of memory, and leaves the data directory's files and what <c>status</c> and
/// <c>stats</c> print as they were.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class HostileInputSuiteSpecs(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    /// <summary>Far above any refused input's work; reading /dev/zero or a whole 100 MB file would pass it.</summary>
    private const long MaxAllocatedBytes = 512L * 1024 * 1024;

    public static TheoryData<string> Names => [.. HostileCases.All.Select(c => c.Name)];

    [Fact]
    public void The_table_holds_at_least_a_hundred_uniquely_named_cases()
    {
        HostileCases.All.Should().HaveCountGreaterThanOrEqualTo(100);
        HostileCases.All.Select(c => c.Name).Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_input_is_refused_with_one_line_and_changes_nothing(string name)
    {
        var hostile = HostileCases.All.Single(c => c.Name == name);

        var result = await fixture.RunAsync(hostile.Args);
        var (status, stats) = await fixture.StatusAndStatsAsync();

        using (new AssertionScope(name))
        {
            result.ExitCode.Should().Be(hostile.ExitCode, result.StdErr);
            result.StdOut.Should().BeEmpty();
            var line = result.StdErr.TrimEnd('\n');
            line.Should().NotContain("\n", "one line").And.MatchRegex(FieldRule(), "the field: rule shape");
            line.Should().Contain(hostile.Message.Length > 0 ? hostile.Message : "nixh: ").And.NotContainAny("Exception", "System.", "   at ");
            line.Where(char.IsControl).Should().BeEmpty("control characters are escaped");
            result.AllocatedBytes.Should().BeLessThan(MaxAllocatedBytes);
            Directory.Exists(HostileReadCases.Missing.Replace("{files}", fixture.Files, StringComparison.Ordinal)).Should().BeFalse("no input creates a data directory");
            DataDirectorySnapshot.Of(fixture.DataDir).Should().Equal(fixture.Snapshot);
            status.Should().Be(fixture.Status);
            stats.Should().Be(fixture.Stats);
        }
    }

    public static TheoryData<string> ReadNames => [.. HostileReadCases.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(ReadNames))]
    public async Task A_read_of_nothing_answers_empty_and_creates_nothing(string name)
    {
        var read = HostileReadCases.All.Single(c => c.Name == name);

        var result = await fixture.RunAsync(read.Args);
        var (status, stats) = await fixture.StatusAndStatsAsync();

        using (new AssertionScope(name))
        {
            result.ExitCode.Should().Be(read.ExitCode, result.StdErr);
            result.StdErr.Should().BeEmpty();
            result.StdOut.Should().Contain(read.Message);
            Directory.Exists(HostileReadCases.Missing.Replace("{files}", fixture.Files, StringComparison.Ordinal)).Should().BeFalse("a read creates no data directory");
            Directory.GetDirectories(Path.GetTempPath(), "nixh-*-phantom-reader-*").Should().BeEmpty("provisional stores are deleted");
            DataDirectorySnapshot.Of(fixture.DataDir).Should().Equal(fixture.Snapshot);
            status.Should().Be(fixture.Status);
            stats.Should().Be(fixture.Stats);
        }
    }

    [GeneratedRegex(@"^nixh: [^\s:]+( [^\s:]+)*: \S")]
    private static partial Regex FieldRule();
}

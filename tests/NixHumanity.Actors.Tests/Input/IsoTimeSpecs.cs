using System.Globalization;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Input;

public sealed class IsoTimeSpecs
{
    [Theory]
    [InlineData("2026-03-02T10:00:00Z", "2026-03-02T10:00:00+00:00")]
    [InlineData("2026-03-02T10:00Z", "2026-03-02T10:00:00+00:00")]
    [InlineData("2026-03-02T12:30:00+02:00", "2026-03-02T10:30:00+00:00")]
    [InlineData("2026-03-02T05:00:00.1234567-05:00", "2026-03-02T10:00:00.1234567+00:00")]
    public void Iso_times_with_an_offset_are_read_as_that_instant(string text, string expected)
    {
        IsoTime.TryParse(text, out var time).Should().BeTrue();
        time.Should().Be(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("May 5 2020 3pm")]
    [InlineData("2.5")]
    [InlineData("5/6/2026")]
    [InlineData("2026-03-02")]
    [InlineData("2026-03-02T10:00:00")]
    [InlineData("2026-03-02 10:00:00Z")]
    [InlineData("2026-03-02T25:00:00Z")]
    [InlineData("2026-03-02T10:00:00+2")]
    [InlineData("yesterday")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_refused_naming_the_field(string? text)
    {
        IsoTime.TryParse(text, out _).Should().BeFalse();
        FluentActions.Invoking(() => IsoTime.Parse("at", text)).Should().Throw<InvalidInputException>()
            .Which.Rejection.Should().Be(new CommandRejected("at", $"{IsoTime.Rule} (was '{text}')"));
    }

    [Fact]
    public void As_of_is_a_version_number_or_a_strict_time_and_never_a_loosely_read_date()
    {
        MemoryAsOf.Parse("2").Version.Should().Be(2);
        MemoryAsOf.Parse("2026-03-02T10:00:00Z").Time.Should().Be(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        FluentActions.Invoking(() => MemoryAsOf.Parse("2.5")).Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("asOf");
        FluentActions.Invoking(() => MemoryAsOf.Parse("2026-03-02T10:00:00")).Should().Throw<InvalidInputException>();
    }
}

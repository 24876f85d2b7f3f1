using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.Actors.Tests.Learning;

public sealed class LearningInputSpecs
{
    [Theory]
    [InlineData("2026-03-02T10:00:00Z", "2026-03-02T10:00:00+00:00")]
    [InlineData("2026-03-02T12:30:00+02:00", "2026-03-02T10:30:00+00:00")]
    [InlineData(" 2026-03-02T10:00:00.250Z ", "2026-03-02T10:00:00.250+00:00")]
    public void Iso_times_with_an_offset_parse_to_the_same_instant(string text, string expected) =>
        LearningInput.ParseTime("asOf", text).Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-03-02")]
    [InlineData("2026-03-02T10:00:00")]
    [InlineData("2026-13-02T10:00:00Z")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_or_ambiguous_times_are_rejected_naming_the_field(string? text)
    {
        var act = () => LearningInput.ParseTime("asOf", text);
        act.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("asOf");
    }
}

using NixHumanity.Actors.Hosting;

namespace NixHumanity.Actors.Tests.Learning;

public sealed class FoldIntervalOptionSpecs
{
    [Fact]
    public void The_fold_interval_defaults_to_30_seconds_and_reaches_the_user_tree()
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath(), FoldInterval = TimeSpan.FromSeconds(45) };

        new NixHumanityOptions().FoldInterval.Should().Be(TimeSpan.FromSeconds(30));
        options.Validate();
        options.ToUserSettings().FoldInterval.Should().Be(TimeSpan.FromSeconds(45));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    [InlineData(50)]
    public void A_fold_interval_below_100_ms_is_refused_naming_the_option(int milliseconds)
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath(), FoldInterval = TimeSpan.FromMilliseconds(milliseconds) };

        var act = options.Validate;

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("FoldInterval");
    }
}

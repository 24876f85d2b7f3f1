using NixHumanity.Actors.Hosting;

namespace NixHumanity.Actors.Tests.Users;

public sealed class ProjectionFlushIntervalOptionTests
{
    [Fact]
    public void The_projection_flush_interval_defaults_to_250_ms_and_reaches_the_user_tree()
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath(), ProjectionMinFlushInterval = TimeSpan.FromMilliseconds(75) };

        new NixHumanityOptions().ProjectionMinFlushInterval.Should().Be(TimeSpan.FromMilliseconds(250));
        options.Validate();
        options.ToUserSettings(new Actors.Storage.Embeddings.HashedNGramEmbedder()).ProjectionMinFlushInterval.Should().Be(TimeSpan.FromMilliseconds(75));
    }

    [Fact]
    public void Zero_is_accepted_and_keeps_committing_whenever_the_mailbox_drains()
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath(), ProjectionMinFlushInterval = TimeSpan.Zero };

        options.Validate();
        options.ToUserSettings(new Actors.Storage.Embeddings.HashedNGramEmbedder()).ProjectionMinFlushInterval.Should().Be(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-250)]
    [InlineData(60_001)]
    public void A_negative_or_over_a_minute_interval_is_refused_naming_the_option(int milliseconds)
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath(), ProjectionMinFlushInterval = TimeSpan.FromMilliseconds(milliseconds) };

        var act = options.Validate;

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ProjectionMinFlushInterval");
    }
}

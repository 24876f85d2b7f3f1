using NixHumanity.Actors.Hosting;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>The shared catch-up options, as configured on the host.</summary>
public sealed class ProjectionOptionsSpecs
{
    [Fact]
    public void The_defaults_are_the_memory_s_former_ones_and_reach_the_user_tree()
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath() };
        options.Projections.ReplayBatchSize.Should().Be(256);
        options.Projections.ProgressEvery.Should().Be(500);

        options.Projections.ReplayBatchSize = 64;

        options.ToUserSettings(new Actors.Embeddings.HashedNGramEmbedder()).Projections.ReplayBatchSize.Should().Be(64);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_quiet_period_that_is_not_positive_is_rejected_naming_the_option(int seconds)
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath() };
        options.Projections.CheckpointWhenIdleFor.Should().Be(TimeSpan.FromSeconds(30));
        options.Projections.CheckpointWhenIdleFor = TimeSpan.FromSeconds(seconds);

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Projections.CheckpointWhenIdleFor");
    }

    [Theory]
    [InlineData(0, 500, "Projections.ReplayBatchSize")]
    [InlineData(10_001, 500, "Projections.ReplayBatchSize")]
    [InlineData(256, 0, "Projections.ProgressEvery")]
    [InlineData(256, 500, "Projections.MaxLiveLag", 0)]
    [InlineData(256, 500, "Projections.StoreMemoryLimitMegabytes", 1024, 63)]
    [InlineData(256, 500, "Projections.StoreMemoryLimitMegabytes", 1024, 1_048_577)]
    public void Unusable_values_are_rejected_naming_the_option(int batchSize, int progressEvery, string parameter, int maxLiveLag = 1024, int memoryLimit = 1024)
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath() };
        options.Projections.MaxLiveLag.Should().Be(1024);
        options.Projections.StoreMemoryLimitMegabytes.Should().Be(1024);
        options.Projections.ReplayBatchSize = batchSize;
        options.Projections.ProgressEvery = progressEvery;
        options.Projections.MaxLiveLag = maxLiveLag;
        options.Projections.StoreMemoryLimitMegabytes = memoryLimit;

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void A_catch_up_batch_outside_1_to_10000_is_rejected_naming_the_option(int batchSize)
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath() };
        options.Projections.CatchUpBatchSize.Should().Be(1024);
        options.Projections.CatchUpBatchSize = batchSize;

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>()
            .Which.Should().Match<ArgumentException>(e => e.ParamName == "Projections.CatchUpBatchSize" && e.Message.StartsWith("must be between 1 and 10000", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void A_live_apply_window_outside_0_to_10_seconds_is_rejected_naming_the_option(int milliseconds)
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath() };
        options.Projections.LiveApplyWindow.Should().Be(TimeSpan.FromMilliseconds(100), "the library's default (docs/adr/0055)");
        options.Projections.LiveApplyWindow = TimeSpan.FromMilliseconds(milliseconds);

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>()
            .Which.Should().Match<ArgumentException>(e => e.ParamName == "Projections.LiveApplyWindow" && e.Message.StartsWith("must be between 0 and 10 seconds", StringComparison.Ordinal));
    }

    [Fact]
    public void A_zero_live_apply_window_is_accepted()
    {
        var options = new NixHumanityOptions { DataDirectory = Path.GetTempPath() };
        options.Projections.LiveApplyWindow = TimeSpan.Zero;

        options.Invoking(o => o.Validate()).Should().NotThrow();
    }
}

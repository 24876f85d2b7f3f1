using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The confidence of a fused search (relevance blended with the cosine and the margin over the other candidates)
/// and its per-embedder calibration: which embedder gets which calibration, how the memory options carry it to the
/// store, and that the memory actor's defaults abstain on an unrelated request and not on a related one.
/// </summary>
public sealed class AbstentionCalibrationSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("ngram-v1", "n-gram")]
    [InlineData("onnx:all-MiniLM-L6-v2:4a64cee3d413", "minilm")]
    [InlineData("wordvec:wink-sg-100d", "uncalibrated")]
    [InlineData(null, "uncalibrated")]
    public void Each_embedder_gets_its_own_calibration_keyed_on_its_id(string? embedderId, string expected)
    {
        var calibration = AbstentionCalibration.For(embedderId);

        calibration.Should().BeSameAs(expected switch
        {
            "n-gram" => AbstentionCalibration.NGram,
            "minilm" => AbstentionCalibration.MiniLm,
            _ => AbstentionCalibration.Uncalibrated,
        });
    }

    [Fact]
    public void The_calibrations_differ_because_the_embedders_cosines_live_on_different_scales()
    {
        AbstentionCalibration.MiniLm.DenseShare.Should().BeGreaterThan(AbstentionCalibration.NGram.DenseShare, "MiniLM's cosine separates meaning far better");
        AbstentionCalibration.MiniLm.AbstainBelow.Should().NotBe(AbstentionCalibration.NGram.AbstainBelow);
        foreach (var calibration in new[] { AbstentionCalibration.NGram, AbstentionCalibration.MiniLm, AbstentionCalibration.Uncalibrated })
        {
            var store = new MemoryOptions().ToStoreOptions() with
            {
                ConfidenceDenseShare = calibration.DenseShare, ConfidenceMarginWeight = calibration.MarginWeight, AbstainBelow = calibration.AbstainBelow,
            };
            store.Invoking(s => s.Validate()).Should().NotThrow();
        }
    }

    [Fact]
    public void The_memory_options_carry_the_embedders_calibration_and_an_explicit_threshold_replaces_only_the_threshold()
    {
        var calibrated = new MemoryOptions().ToStoreOptions(HashedNGramEmbedder.DefaultId);
        var explicitThreshold = new MemoryOptions { AbstainBelow = 0.4 }.ToStoreOptions(HashedNGramEmbedder.DefaultId);

        calibrated.AbstainBelow.Should().Be(AbstentionCalibration.NGram.AbstainBelow);
        calibrated.ConfidenceDenseShare.Should().Be(AbstentionCalibration.NGram.DenseShare);
        calibrated.ConfidenceMarginWeight.Should().Be(AbstentionCalibration.NGram.MarginWeight);
        explicitThreshold.AbstainBelow.Should().Be(0.4);
        explicitThreshold.ConfidenceDenseShare.Should().Be(AbstentionCalibration.NGram.DenseShare);
        new MemoryOptions().ToStoreOptions().AbstainBelow.Should().Be(AbstentionCalibration.Uncalibrated.AbstainBelow);
    }

    [Fact]
    public void Without_a_dense_share_or_margin_the_confidence_is_the_relevance_clamped()
    {
        var confidence = new FusedConfidence([0.6, 0.3, 0.1], new VectorMemoryStoreOptions());

        confidence.Of(0.6, 0.9).Should().Be(0.6);
        confidence.Of(1.4, 0.9).Should().Be(1);
        confidence.Of(-0.2, 0.9).Should().Be(0);
    }

    [Fact]
    public void The_dense_share_blends_the_cosine_into_the_confidence()
    {
        var confidence = new FusedConfidence([0.4, 0.2], new VectorMemoryStoreOptions { ConfidenceDenseShare = 0.75 });

        confidence.Of(0.4, 0.8).Should().BeApproximately((0.25 * 0.4) + (0.75 * 0.8), 1e-12);
    }

    [Fact]
    public void A_memory_that_stands_out_from_the_others_is_more_certain_than_one_among_equals()
    {
        var options = new VectorMemoryStoreOptions { ConfidenceMarginWeight = 0.5 };
        var standout = new FusedConfidence([0.5, 0.1, 0.1, 0.1], options);
        var amongEquals = new FusedConfidence([0.5, 0.5, 0.5, 0.5], options);

        // Margin over the mean of the best others: 0.5 − 0.1 = 0.4 and 0.5 − 0.5 = 0.
        standout.Of(0.5, 0).Should().BeApproximately(0.5 + (0.5 * 0.4), 1e-12);
        amongEquals.Of(0.5, 0).Should().BeApproximately(0.5, 1e-12);
        standout.Of(0.1, 0).Should().BeLessThan(0.1, "a memory below the others loses confidence");
    }

    [Theory]
    [InlineData(-0.1, 0)]
    [InlineData(1.5, 0)]
    [InlineData(0.5, -1)]
    [InlineData(0.5, double.NaN)]
    [InlineData(0.5, 11)]
    public void Confidence_settings_out_of_range_are_rejected(double denseShare, double marginWeight)
    {
        var options = new VectorMemoryStoreOptions { ConfidenceDenseShare = denseShare, ConfidenceMarginWeight = marginWeight };

        options.Invoking(o => o.Validate()).ShouldBeRejected("options: Confidence*");
    }

    [Fact]
    public async Task With_the_default_options_the_memory_actor_abstains_with_its_embedders_calibration()
    {
        // The test tree runs the n-gram embedder: its calibration, not a threshold set here, decides.
        await using var tree = ActorTree.Start(_data.Path);
        await tree.RecordAsync("rose", "install the firefox web browser", command: "nix-env -iA nixpkgs.firefox");
        await tree.RecordAsync("rose", "the sound is not working", command: "systemctl --user restart pipewire");
        await tree.RecordAsync("rose", "turn the wifi back on", command: "nmcli radio wifi on");

        var related = await tree.AskAsync<MemorySearched>(new SearchMemory("rose", "instal fierfox browser"));
        var unrelated = await tree.AskAsync<MemorySearched>(new SearchMemory("rose", "bake a chocolate cake"));

        related.Abstained.Should().BeFalse();
        related.Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox");
        related.BestConfidence.Should().BeGreaterThanOrEqualTo(AbstentionCalibration.NGram.AbstainBelow);
        unrelated.Abstained.Should().BeTrue();
        unrelated.BestConfidence.Should().BeLessThan(AbstentionCalibration.NGram.AbstainBelow);
        unrelated.Results.Should().OnlyContain(h => h.Confidence < AbstentionCalibration.NGram.AbstainBelow);
    }
}

using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Tests.Embeddings;

public sealed class HashedNGramEmbedderSpecs
{
    private readonly HashedNGramEmbedder _embedder = new();

    private float Cos(string a, string b) => VectorMath.Dot(_embedder.Embed(a), _embedder.Embed(b));

    [Fact]
    public void Id_and_dimensions_are_the_documented_ones()
    {
        _embedder.Id.Should().Be("ngram-v1");
        _embedder.Dimensions.Should().Be(384);
        new HashedNGramEmbedder(284).Id.Should().Be("ngram-v1-d284");
    }

    [Theory]
    [InlineData("", 2872998923u)]
    [InlineData("a", 444641715u)]
    [InlineData("w:firefox", 749249436u)]
    [InlineData("c:<fi", 1536885963u)]
    [InlineData("ü", 3244136902u)]
    public void Hash_matches_an_independent_fnv1a_fmix32_computation(string text, uint expected)
    {
        // Expected values computed with a separate Python implementation of FNV-1a (UTF-8) + murmur3 fmix32:
        // stored vectors depend on this function, so it must never change silently.
        StableHash.Fnv1a(text).Should().Be(expected);
    }

    [Theory]
    [InlineData("install firefox")]
    [InlineData("my wifi stopped working")]
    [InlineData("a")]
    [InlineData("Grüße aus München — café ☕ 123")]
    public void Vectors_are_unit_length_finite_and_384_wide(string text)
    {
        var v = _embedder.Embed(text);
        v.Should().HaveCount(384);
        v.Should().OnlyContain(x => float.IsFinite(x));
        System.Numerics.Tensors.TensorPrimitives.Norm(v).Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public void Text_without_letters_or_digits_gives_the_zero_vector()
    {
        _embedder.Embed("").Should().OnlyContain(x => x == 0f);
        _embedder.Embed("  ?! ...").Should().OnlyContain(x => x == 0f);
    }

    [Fact]
    public void Same_text_gives_the_same_vector_in_another_instance()
    {
        new HashedNGramEmbedder().Embed("install development tools")
            .Should().Equal(_embedder.Embed("install development tools"));
    }

    [Fact]
    public void Case_punctuation_accents_and_stop_words_do_not_matter()
    {
        Cos("Install Firefox!", "install firefox").Should().BeApproximately(1f, 1e-5f);
        Cos("please install the firefox", "install firefox").Should().BeApproximately(1f, 1e-5f);
        Cos("café", "cafe").Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public void Reordered_request_lands_near_the_command()
    {
        Cos("firefox install please", "install firefox").Should().BeGreaterThan(0.8f);
    }

    [Fact]
    public void Misspelled_and_split_words_land_nearer_the_right_command_than_others()
    {
        var query = "instal fire fox";
        var right = Cos(query, "install the Firefox web browser nix-env -iA nixpkgs.firefox");
        right.Should().BeGreaterThan(Cos(query, "install the VLC media player for videos and music nix-env -iA nixpkgs.vlc"));
        right.Should().BeGreaterThan(Cos(query, "restart the computer sudo reboot"));
        Cos("instal vlc", "install vlc").Should().BeGreaterThan(Cos("instal vlc", "install firefox"));
    }

    [Fact]
    public void Unrelated_texts_are_far_apart()
    {
        Cos("install firefox", "set the time zone of the clock").Should().BeLessThan(0.2f);
    }

    [Fact]
    public void Batch_equals_single_calls()
    {
        string[] texts = ["install firefox", "", "my wifi stopped working"];
        var batch = _embedder.EmbedBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            batch[i].Should().Equal(_embedder.Embed(texts[i]));
        }
    }

    [Fact]
    public void Too_few_dimensions_are_rejected_with_the_parameter_name()
    {
        var act = () => new HashedNGramEmbedder(8);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dimensions");
    }
}

public sealed class HashedNGramEmbedderPinSpecs(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Vectors_of_ngram_v1_never_change_silently()
    {
        // Stored vectors carry the id "ngram-v1". If this fails, the feature scheme changed (weights, stop words,
        // normalisation, hash): bump HashedNGramEmbedder.DefaultId so stores re-embed, then update these numbers.
        var v = new HashedNGramEmbedder().Embed("Instal fire fox, please!");
        var nonZero = v.Count(x => x != 0f);
        var fingerprint = v.Select((x, i) => x * (i + 1)).Sum();
        output.WriteLine($"non-zero {nonZero}, fingerprint {fingerprint:R}");
        nonZero.Should().Be(PinnedNonZero);
        fingerprint.Should().BeApproximately(PinnedFingerprint, 1e-3f);
    }

    private const int PinnedNonZero = 50;
    private const float PinnedFingerprint = 6.5358844f;
}

using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>The retrieval options reach the store, and confidence and abstention reach the reply of a search.</summary>
public sealed class MemorySearchConfidenceSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_search_reply_carries_each_hits_confidence_and_says_when_it_abstained()
    {
        await using var tree = ActorTree.Start(_data.Path, o => o.Memory.AbstainBelow = 0.2);
        await tree.RecordAsync("rose", "install the firefox web browser", command: "nix-env -iA nixpkgs.firefox");
        await tree.RecordAsync("rose", "the sound is not working", command: "systemctl --user restart pipewire");

        var related = await tree.AskAsync<MemorySearched>(new SearchMemory("rose", "instal fierfox browser"));
        var unrelated = await tree.AskAsync<MemorySearched>(new SearchMemory("rose", "bake a chocolate cake"));

        related.Abstained.Should().BeFalse();
        related.Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox");
        related.Results[0].Confidence.Should().Be(related.BestConfidence).And.BeInRange(0.2, 1.0);
        unrelated.Abstained.Should().BeTrue();
        unrelated.BestConfidence.Should().BeLessThan(0.2);
        unrelated.Results.Should().OnlyContain(h => h.Confidence < 0.2, "the closest memories are listed, flagged as not relevant");
    }

    [Fact]
    public void The_memory_options_carry_every_retrieval_setting_to_the_store()
    {
        var options = new MemoryOptions
        {
            DenseWeight = 0.5, LexicalWeight = 0.4, TypoWeight = 0.3, Fusion = FusionMode.ReciprocalRank, Bm25K1 = 0.9,
            Bm25B = 0.4, ChannelCandidates = 50, RrfK = 10, AbstainBelow = 0.35,
        };

        var store = options.ToStoreOptions();

        store.Should().BeEquivalentTo(new
        {
            DenseWeight = 0.5, LexicalWeight = 0.4, TypoWeight = 0.3, Fusion = FusionMode.ReciprocalRank, Bm25K1 = 0.9,
            Bm25B = 0.4, ChannelCandidates = 50, RrfK = 10, AbstainBelow = 0.35,
        });
        store.Invoking(s => s.Validate()).Should().NotThrow();
    }

    [Fact]
    public void The_channel_weights_default_per_embedder_and_an_option_set_explicitly_wins()
    {
        static (double, double, double) Weights(VectorMemoryStoreOptions o) => (o.DenseWeight, o.LexicalWeight, o.TypoWeight);
        const string miniLm = "onnx:all-MiniLM-L6-v2:4a64cee3d413";

        Weights(new MemoryOptions().ToStoreOptions(miniLm)).Should().Be((0.45, 0.05, 0.5));
        var ngram = Weights(new MemoryOptions().ToStoreOptions(HashedNGramEmbedder.DefaultId));
        ngram.Should().Be((FusionWeights.NGram.Dense, FusionWeights.NGram.Lexical, FusionWeights.NGram.Typo));
        ngram.Item1.Should().BeLessThan(0.45, "the n-gram embedder's cosine is its weakest channel");
        Weights(new MemoryOptions().ToStoreOptions("word-vectors:wink-sg-100d")).Should().Be((FusionWeights.Other.Dense, FusionWeights.Other.Lexical, FusionWeights.Other.Typo));
        FusionWeights.All.Distinct().Should().HaveCount(3, "each kind of embedder has weights of its own");

        var oneSet = new MemoryOptions { DenseWeight = 0.7 };
        Weights(oneSet.ToStoreOptions(HashedNGramEmbedder.DefaultId)).Should().Be((0.7, FusionWeights.NGram.Lexical, FusionWeights.NGram.Typo));
        Weights(oneSet.ToStoreOptions(miniLm)).Should().Be((0.7, 0.05, 0.5));
        var allSet = new MemoryOptions { DenseWeight = 0.2, LexicalWeight = 0.3, TypoWeight = 0.5 };
        foreach (var embedder in new[] { miniLm, HashedNGramEmbedder.DefaultId, "word-vectors:wink-sg-100d" })
        {
            Weights(allSet.ToStoreOptions(embedder)).Should().Be((0.2, 0.3, 0.5));
        }
    }

    [Theory]
    [InlineData("zero-with-some-embedders-defaults", "Memory")]
    [InlineData("negative-dense", "Memory.DenseWeight")]
    [InlineData("all-zero", "Memory")]
    [InlineData("b-above-one", "Memory.Bm25B")]
    [InlineData("abstain-above-one", "Memory.AbstainBelow")]
    [InlineData("no-candidates", "Memory")]
    public void Unusable_retrieval_options_are_rejected_naming_the_option(string case_, string parameter)
    {
        var options = new MemoryOptions();
        switch (case_)
        {
            case "negative-dense": options.DenseWeight = -1; break;
            case "all-zero": (options.DenseWeight, options.LexicalWeight, options.TypoWeight) = (0, 0, 0); break;
            case "zero-with-some-embedders-defaults": (options.DenseWeight, options.TypoWeight) = (0, 0); break;
            case "b-above-one": options.Bm25B = 1.5; break;
            case "abstain-above-one": options.AbstainBelow = 1.1; break;
            case "no-candidates": options.ChannelCandidates = 0; break;
        }

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }
}

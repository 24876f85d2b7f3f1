using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>
/// The shared embedding service alone: each sender gets the vectors of its own texts, requests that queue while the
/// model runs share the next call, a failed call is answered and the service goes on.
/// </summary>
public sealed class EmbeddingServiceSpecs : TestKit
{
    private const string ServiceDispatcher = """
        nixh.embedding-dispatcher { type = PinnedDispatcher }
        """;

    private readonly GatedCountingEmbedder _model = new();
    private readonly HashedNGramEmbedder _reference = new();

    public EmbeddingServiceSpecs()
        : base(ServiceDispatcher + SpecConfig.Hocon)
    {
    }

    protected override void Dispose(bool disposing)
    {
        _model.Release();
        base.Dispose(disposing);
        _model.Dispose();
        _reference.Dispose();
    }

    [Fact]
    public void Each_request_is_answered_with_the_vectors_of_its_own_texts_equal_to_embedding_each_alone()
    {
        var service = EmbeddingService.Get(Sys).For(_model);
        var ann = CreateTestProbe();
        var bob = CreateTestProbe();
        string[] annTexts = ["install firefox", "my wifi stopped working"];
        string[] bobTexts = ["make it louder"];

        service.Tell(new EmbedTexts(1, annTexts), ann);
        service.Tell(new EmbedTexts(7, bobTexts), bob);

        var annVectors = ann.ExpectMsg<TextsEmbedded>();
        var bobVectors = bob.ExpectMsg<TextsEmbedded>();
        annVectors.RequestId.Should().Be(1);
        bobVectors.RequestId.Should().Be(7);
        annVectors.Vectors.Should().HaveCount(2);
        bobVectors.Vectors.Should().ContainSingle();
        for (var i = 0; i < annTexts.Length; i++)
        {
            annVectors.Vectors[i].Should().Equal(_reference.Embed(annTexts[i]));
        }

        bobVectors.Vectors[0].Should().Equal(_reference.Embed(bobTexts[0]));
    }

    [Fact]
    public async Task Requests_of_many_memories_queued_while_the_model_runs_share_the_next_call_on_the_service_s_own_thread()
    {
        var service = EmbeddingService.Get(Sys).For(_model);
        EmbeddingService.Get(Sys).For(_model).Should().Be(service, "one service per embedder and system");
        _model.HoldNextCall();
        var first = CreateTestProbe();
        service.Tell(new EmbedTexts(1, ["install firefox"]), first);
        await _model.HeldCallStarted;

        var memories = Enumerable.Range(0, 20).Select(_ => CreateTestProbe()).ToList();
        for (var m = 0; m < memories.Count; m++)
        {
            service.Tell(new EmbedTexts(m, Enumerable.Range(0, 1 + (m % 3)).Select(i => $"request {i} of memory {m}").ToList()), memories[m]);
        }

        _model.Release();

        first.ExpectMsg<TextsEmbedded>().Vectors.Should().ContainSingle();
        for (var m = 0; m < memories.Count; m++)
        {
            var embedded = memories[m].ExpectMsg<TextsEmbedded>();
            embedded.RequestId.Should().Be(m);
            embedded.Vectors.Should().HaveCount(1 + (m % 3));
            embedded.Vectors[^1].Should().Equal(_reference.Embed($"request {m % 3} of memory {m}"));
        }

        _model.BatchSizes.Should().Equal(1, Enumerable.Range(0, 20).Sum(m => 1 + (m % 3)));
        _model.Threads.Should().OnlyContain(name => name.Contains(EmbeddingService.DispatcherId, StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_call_is_answered_to_every_request_it_held_and_the_next_request_is_embedded()
    {
        var service = EmbeddingService.Get(Sys).For(_model);
        _model.FailNext(1);
        var ann = CreateTestProbe();

        service.Tell(new EmbedTexts(3, ["install firefox"]), ann);

        var failed = ann.ExpectMsg<EmbeddingFailed>();
        failed.RequestId.Should().Be(3);
        failed.Reason.Should().Contain("the model failed");
        service.Tell(new EmbedTexts(4, ["install firefox"]), ann);
        ann.ExpectMsg<TextsEmbedded>().Vectors[0].Should().Equal(_reference.Embed("install firefox"));
    }
}

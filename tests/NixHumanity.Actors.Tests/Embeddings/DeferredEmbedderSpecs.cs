using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Tests.Embeddings;

public sealed class DeferredEmbedderSpecs
{
    [Fact]
    public void Id_and_dimensions_are_known_without_loading_the_model()
    {
        var loads = 0;
        using var embedder = new DeferredEmbedder("ngram-v1", 384, () =>
        {
            Interlocked.Increment(ref loads);
            return new HashedNGramEmbedder();
        });

        embedder.Id.Should().Be("ngram-v1");
        embedder.Dimensions.Should().Be(384);
        embedder.IsLoaded.Should().BeFalse();
        loads.Should().Be(0);
    }

    [Fact]
    public void The_packaged_model_has_its_pinned_id_before_anything_is_read()
    {
        using var embedder = DeferredEmbedder.PackagedMiniLm(Path.Combine(Path.GetTempPath(), "nixh-tests", "no-such.dll"));
        embedder.Id.Should().Be(PackagedMiniLm.EmbedderId);
        embedder.Dimensions.Should().Be(384);
        embedder.IsLoaded.Should().BeFalse();
    }

    [Fact]
    public async Task Concurrent_first_uses_share_one_load()
    {
        const int callers = 16;
        var loads = 0;
        using var allStarted = new CountdownEvent(callers);
        using var embedder = new DeferredEmbedder("ngram-v1", 384, () =>
        {
            Interlocked.Increment(ref loads);
            // The load finishes only once every caller has asked for it, so all of them race for the first use.
            allStarted.Wait();
            return new HashedNGramEmbedder();
        });

        // One thread per caller (not the thread pool, which would grow slowly while they all wait).
        var uses = Enumerable.Range(0, callers).Select(i => Task.Factory.StartNew(() =>
        {
            allStarted.Signal();
            return i % 2 == 0 ? embedder.Embed($"install firefox {i}") : embedder.EmbedBatch([$"install vlc {i}"])[0];
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        var vectors = await Task.WhenAll(uses);

        loads.Should().Be(1);
        embedder.IsLoaded.Should().BeTrue();
        vectors.Should().AllSatisfy(v => v.Should().HaveCount(384));
        await embedder.LoadAsync();
        loads.Should().Be(1);
    }

    [Fact]
    public async Task A_loaded_embedder_with_another_id_is_refused()
    {
        using var embedder = new DeferredEmbedder("onnx:all-MiniLM-L6-v2:4a64cee3d413", 384, () => new HashedNGramEmbedder());
        var act = () => embedder.LoadAsync();
        (await act.Should().ThrowAsync<InvalidDataException>()).WithMessage("*ngram-v1*promised*");
        embedder.IsLoaded.Should().BeFalse();
    }
}

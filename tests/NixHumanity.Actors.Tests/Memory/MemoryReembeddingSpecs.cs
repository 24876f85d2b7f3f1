using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// A memory embedded with another embedder is re-embedded in the background on first start: recording and searching
/// go on meanwhile (searches see the memories re-embedded so far), and the re-embedding finishes on its own.
/// </summary>
public sealed class MemoryReembeddingSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_change_of_embedder_re_embeds_in_the_background_without_blocking_record_or_search()
    {
        await using (var tree = ActorTree.Start(_data.Path))
        {
            await MemoryTreeIntegrationSpecs.RecordDayAsync(tree, "rose");
            // The memory holds the n-gram vectors before the restart (read-your-writes: the status queues behind them).
            (await MemoryTreeIntegrationSpecs.StatusAsync(tree, "rose")).Rows.Should().Be(MemoryTreeIntegrationSpecs.RoseDay.Length);
        }

        using var gate = new ManualResetEventSlim(false);
        var loadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var renamed = new DeferredEmbedder("ngram-renamed", 384, () =>
        {
            loadStarted.TrySetResult();
            gate.Wait();
            return new RenamedEmbedder("ngram-renamed");
        });
        await using var restarted = ActorTree.Start(_data.Path, o => o.Projections.ReplayBatchSize = 2, embedder: renamed);

        // Recording is acknowledged while the new model is still loading.
        await restarted.RecordAsync("rose", "please open the text editor", command: "nix-shell -p gedit");
        await loadStarted.Task;
        var marker = Path.Combine(_data.Path, "users", "rose", "memory", MemoryActor.ReembeddingMarkerFileName);
        File.Exists(marker).Should().BeTrue();
        (await MemoryTreeIntegrationSpecs.StatusAsync(restarted, "rose")).Rows.Should().Be(0);

        // A search waits only for the model; it is then answered before the first chunk, from what is re-embedded so far.
        var search = MemoryTreeIntegrationSpecs.SearchAsync(restarted, "rose", "update my computer");
        gate.Set();
        (await search).Results.Should().BeEmpty();

        await Eventually.HoldsAsync(() => File.Exists(marker).Should().BeFalse());
        var status = await MemoryTreeIntegrationSpecs.StatusAsync(restarted, "rose");
        status.Rows.Should().Be(MemoryTreeIntegrationSpecs.RoseDay.Length + 1);
        status.EmbedderId.Should().Be("ngram-renamed");
        (await MemoryTreeIntegrationSpecs.SearchAsync(restarted, "rose", "update my computer")).Results[0].Command
            .Should().Be("sudo nixos-rebuild switch --upgrade");
    }
}

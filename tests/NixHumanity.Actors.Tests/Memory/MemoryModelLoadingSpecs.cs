using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// With a model that loads on first use, the memory never blocks on it: recording, status and analytics never load
/// it, a search loads it once, and a load in flight neither delays acknowledgements nor keeps the process from stopping.
/// </summary>
public sealed class MemoryModelLoadingSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_record_only_run_never_loads_the_model_and_the_next_search_embeds_what_was_recorded()
    {
        var firstRun = new CountedModel();
        await using (var tree = ActorTree.Start(_data.Path, CliLike, embedder: firstRun.Embedder))
        {
            await MemoryTreeIntegrationSpecs.RecordDayAsync(tree, "rose");
            await tree.StatusAsync("rose");
            await tree.AskAsync<AnalyticsRows>(new RunAnalyticsQuery("rose", "flow"));
            var memory = await MemoryTreeIntegrationSpecs.StatusAsync(tree, "rose");

            // Held for the model, unapplied: the journal is the source of truth and the next run catches up.
            memory.LastSequenceNr.Should().Be(0);
            memory.Rows.Should().Be(0);
        }

        firstRun.Loads.Should().Be(0);

        var secondRun = new CountedModel();
        await using (var tree = ActorTree.Start(_data.Path, CliLike, embedder: secondRun.Embedder))
        {
            var found = await MemoryTreeIntegrationSpecs.SearchAsync(tree, "rose", "firefox browser");
            found.Results.Should().NotBeEmpty();
            found.Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox");
            await MemoryTreeIntegrationSpecs.SearchAsync(tree, "rose", "wifi");
            (await MemoryTreeIntegrationSpecs.StatusAsync(tree, "rose")).Rows.Should().Be(MemoryTreeIntegrationSpecs.RoseDay.Length);
        }

        secondRun.Loads.Should().Be(1);
    }

    [Fact]
    public async Task Records_are_acknowledged_while_the_model_loads_and_a_search_waits_for_it()
    {
        using var model = new CountedModel(gated: true);
        await using var tree = ActorTree.Start(_data.Path, embedder: model.Embedder);

        // A host loads the model for new events; the load is held open, and recording still completes.
        await MemoryTreeIntegrationSpecs.RecordDayAsync(tree, "rose");
        await model.LoadStarted;
        var search = MemoryTreeIntegrationSpecs.SearchAsync(tree, "rose", "update my computer");
        (await MemoryTreeIntegrationSpecs.StatusAsync(tree, "rose")).LastSequenceNr.Should().Be(0);
        search.IsCompleted.Should().BeFalse();

        model.Release();
        var found = await search;
        found.Results[0].Command.Should().Be("sudo nixos-rebuild switch --upgrade");
        model.Loads.Should().Be(1);
    }

    [Fact]
    public async Task The_actor_system_stops_without_waiting_for_a_load_in_flight()
    {
        using var model = new CountedModel(gated: true);
        var tree = ActorTree.Start(_data.Path, embedder: model.Embedder);
        await MemoryTreeIntegrationSpecs.RecordDayAsync(tree, "rose");
        await model.LoadStarted;

        await tree.DisposeAsync();

        model.Loads.Should().Be(1);
        model.Embedder.IsLoaded.Should().BeFalse();
    }

    /// <summary>The CLI's setting: new events wait in the journal for the first search.</summary>
    private static void CliLike(Actors.Hosting.NixHumanityOptions options) => options.Memory.LoadModelForNewEvents = false;

    /// <summary>A deferred n-gram embedder that counts its loads and can hold a load open until released.</summary>
    private sealed class CountedModel : IDisposable
    {
        private readonly ManualResetEventSlim _gate;
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _loads;

        public CountedModel(bool gated = false)
        {
            _gate = new ManualResetEventSlim(!gated);
            Embedder = new DeferredEmbedder("ngram-v1", 384, () =>
            {
                Interlocked.Increment(ref _loads);
                _started.TrySetResult();
                _gate.Wait();
                return new HashedNGramEmbedder();
            });
        }

        public DeferredEmbedder Embedder { get; }

        public int Loads => Volatile.Read(ref _loads);

        public Task LoadStarted => _started.Task;

        public void Release() => _gate.Set();

        public void Dispose()
        {
            // Lets a load still held open finish, so no thread waits on a disposed gate.
            _gate.Set();
        }
    }
}

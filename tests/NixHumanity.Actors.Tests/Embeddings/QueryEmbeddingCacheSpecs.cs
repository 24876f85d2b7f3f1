using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>Repeated queries do not run the model again: the process's query-embedding cache, counted in model calls.</summary>
public sealed class QueryEmbeddingCacheSpecs : TestKit
{
    private readonly TempDataDirectory _data = new();

    public QueryEmbeddingCacheSpecs()
        : base(SpecConfig.Hocon)
    {
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _data.Dispose();
    }

    [Fact]
    public void A_repeated_query_runs_the_model_once_and_whitespace_variants_share_the_entry()
    {
        using var model = new CountingEmbedder("ngram-v1");
        var cache = new QueryEmbeddingCache();

        var first = cache.GetOrEmbed(model, "install firefox");
        var again = cache.GetOrEmbed(model, "  install \t firefox ");

        model.Calls.Should().Be(1);
        again.Should().Equal(first);
        model.Texts.Should().Equal("install firefox");
        cache.GetOrEmbed(model, "Install firefox");
        model.Calls.Should().Be(2, "case is kept: an embedder may be cased");
    }

    [Fact]
    public void Entries_are_per_embedder_and_a_caller_cannot_change_a_cached_vector()
    {
        using var ngrams = new CountingEmbedder("ngram-v1");
        using var other = new CountingEmbedder("onnx:other");
        var cache = new QueryEmbeddingCache();

        var vector = cache.GetOrEmbed(ngrams, "update my computer");
        cache.GetOrEmbed(other, "update my computer");
        vector[0] = 42;

        other.Calls.Should().Be(1);
        cache.GetOrEmbed(ngrams, "update my computer")[0].Should().NotBe(42);
        ngrams.Calls.Should().Be(1);
    }

    [Fact]
    public void The_least_recently_used_query_is_dropped_beyond_the_capacity()
    {
        using var model = new CountingEmbedder("ngram-v1");
        var cache = new QueryEmbeddingCache(capacity: 2);

        cache.GetOrEmbed(model, "firefox");
        cache.GetOrEmbed(model, "wifi");
        cache.GetOrEmbed(model, "firefox");
        cache.GetOrEmbed(model, "volume");

        cache.Count.Should().Be(2);
        model.Calls.Should().Be(3);
        cache.GetOrEmbed(model, "firefox");
        model.Calls.Should().Be(3, "firefox was used more recently than wifi");
        cache.GetOrEmbed(model, "wifi");
        model.Calls.Should().Be(4);
    }

    [Fact]
    public void Memory_actors_of_one_system_share_the_cache_so_a_repeated_search_does_not_embed_again()
    {
        using var model = new CountingEmbedder("ngram-v1");
        var settings = new MemorySettings(model, new MemoryOptions());
        var journal = new ListJournalSource();
        var recorded = new InteractionRecorded(
            "i-1", "ann", "s1", "install firefox", "nix-env -iA nixpkgs.firefox", null, null, InteractionOutcome.Success,
            null, null, null, 0.5, new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        journal.Append(recorded);
        var ann = Sys.ActorOf(MemoryActor.Props("ann", Directory.CreateDirectory(Path.Combine(_data.Path, "ann")).FullName, settings, new ProjectionOptions(), TimeProvider.System, journal));
        var bob = Sys.ActorOf(MemoryActor.Props("bob", Directory.CreateDirectory(Path.Combine(_data.Path, "bob")).FullName, settings, new ProjectionOptions(), TimeProvider.System, new ListJournalSource()));

        ann.Tell(new SearchMemory("ann", "install firefox", 5), TestActor);
        ExpectMsg<MemorySearched>().Results.Should().NotBeEmpty();
        model.SingleCalls.Should().Be(1, "the record was embedded in a batch, the query alone");
        ann.Tell(new SearchMemory("ann", "install firefox", 5), TestActor);
        ExpectMsg<MemorySearched>();
        bob.Tell(new SearchMemory("bob", "install  firefox", 5), TestActor);
        ExpectMsg<MemorySearched>();

        model.SingleCalls.Should().Be(1);
    }

    /// <summary>The n-gram embedder, counting its calls (one per Embed or EmbedBatch; single ones apart) and the texts it was given.</summary>
    private sealed class CountingEmbedder(string id) : IEmbedder
    {
        private readonly HashedNGramEmbedder _inner = new();
        private readonly List<string> _texts = [];
        private readonly Lock _lock = new();

        public string Id => id;

        public int Dimensions => _inner.Dimensions;

        public int Calls { get; private set; }

        public int SingleCalls { get; private set; }

        public IReadOnlyList<string> Texts
        {
            get
            {
                lock (_lock)
                {
                    return _texts.ToList();
                }
            }
        }

        public float[] Embed(string text)
        {
            lock (_lock)
            {
                Calls++;
                SingleCalls++;
                _texts.Add(text);
            }

            return _inner.Embed(text);
        }

        public float[][] EmbedBatch(IReadOnlyList<string> texts)
        {
            lock (_lock)
            {
                Calls++;
                _texts.AddRange(texts);
            }

            return _inner.EmbedBatch(texts);
        }

        public void Dispose() => _inner.Dispose();
    }
}

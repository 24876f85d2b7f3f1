using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>A host's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> is the memory's embedder; a bad one stops the start.</summary>
public sealed class EmbeddingGeneratorSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>How a <see cref="HostGenerator"/> is broken, if it is.</summary>
    private enum Flaw
    {
        None,
        SeededPerCall,
        GrowsEveryCall,
        NaN,
    }

    /// <summary>A generator of the host's own: the n-gram embedder's vectors, or a broken variant of them.</summary>
    private sealed class HostGenerator(int dimensions = 384, Flaw flaw = Flaw.None) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly HashedNGramEmbedder _ngrams = new(dimensions);
        private int _calls;

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var call = Interlocked.Increment(ref _calls);
            var vectors = values.Select(v => _ngrams.Embed(flaw == Flaw.SeededPerCall ? v + call : v)).Select(v => flaw switch
            {
                Flaw.GrowsEveryCall => new Embedding<float>(v.Concat(new float[call - 1]).ToArray()),
                Flaw.NaN => new Embedding<float>(v.Select((x, i) => i == 7 ? float.NaN : x).ToArray()),
                _ => new Embedding<float>(v),
            });
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(vectors));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("host", null, "ngrams-of-the-host", dimensions) : null;

        public void Dispose() => _ngrams.Dispose();
    }

    private IHost BuildHost(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["NixHumanity:DataDirectory"] = _data.Path });
        builder.Services.AddSingleton(generator);
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        return builder.Build();
    }

    [Fact]
    public async Task A_generator_registered_in_the_container_embeds_the_memories()
    {
        using var host = BuildHost(new HostGenerator());
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();

        await client.RecordInteractionAsync(new RecordInteraction("rose", "s", "install firefox please", "nix-env -iA nixpkgs.firefox", Outcome: InteractionOutcome.Success));
        var found = await client.SearchAsync(new SearchMemory("rose", "install firefox"));
        var status = await client.GetMemoryStatusAsync("rose");

        found.Results.Should().ContainSingle().Which.Command.Should().Be("nix-env -iA nixpkgs.firefox");
        status.EmbedderId.Should().Be("meai:host/ngrams-of-the-host:384");
        await host.StopAsync();
    }

    [Fact]
    public async Task The_storage_report_names_the_registered_generator_not_the_configured_embedder()
    {
        using var host = BuildHost(new HostGenerator());
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        await client.WarmUpAsync();

        var report = client.DescribeStorage();

        report.Embedder.Should().Be("meai:host/ngrams-of-the-host:384", "the memories embed with the host's generator, not Embeddings.Kind");
        report.EmbedderKind.Should().Be("generator");
        report.EmbedderFallback.Should().BeNull();
        await host.StopAsync();
    }

    [Fact]
    public async Task A_non_deterministic_generator_is_refused_at_start()
    {
        using var host = BuildHost(new HostGenerator(flaw: Flaw.SeededPerCall));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("NixHumanity:Embeddings").And.Contain("not deterministic");
    }

    [Fact]
    public async Task A_generator_whose_dimension_changes_between_calls_is_refused_at_start()
    {
        using var host = BuildHost(new HostGenerator(flaw: Flaw.GrowsEveryCall));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("NixHumanity:Embeddings").And.Contain("different dimensions (384, 385)");
    }

    [Fact]
    public async Task A_generator_giving_NaN_is_refused_at_start()
    {
        using var host = BuildHost(new HostGenerator(flaw: Flaw.NaN));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("NixHumanity:Embeddings").And.Contain("NaN or infinite");
    }

    [Fact]
    public async Task A_generator_of_a_dimension_the_store_cannot_hold_is_refused_at_start_instead_of_dropping_memories()
    {
        // Any dimension up to the int8 scan's 4,096 is held (GeneratorDimensionSpecs); beyond it the start fails.
        using var host = BuildHost(new HostGenerator(dimensions: 4097));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("NixHumanity:Embeddings").And.Contain("4097").And.Contain("1 to 4096");
    }

    [Fact]
    public async Task The_built_in_embedders_are_embedding_generators_too()
    {
        using IEmbeddingGenerator<string, Embedding<float>> generator = new NixHumanityEmbeddingGenerator(new HashedNGramEmbedder());

        var embeddings = await generator.GenerateAsync(["install firefox", "install firefox"]);

        embeddings.Should().HaveCount(2);
        embeddings[0].Vector.Length.Should().Be(384);
        embeddings[0].Vector.ToArray().Should().Equal(embeddings[1].Vector.ToArray());
        generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId.Should().Be("ngram-v1");
    }
}

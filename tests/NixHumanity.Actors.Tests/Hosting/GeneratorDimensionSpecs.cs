using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// A host's generator of any dimension is the memory's embedder end to end (docs/adr/0032), and it is never waited
/// for on the memory's thread.
/// </summary>
public sealed class GeneratorDimensionSpecs : IDisposable
{
    private const string Firefox = "nix-env -iA nixpkgs.firefox";
    private const string Vim = "nix profile install nixpkgs#vim";
    private const string Rebuild = "sudo nixos-rebuild switch";

    private readonly TempDataDirectory _data = new();
    private readonly TempDataDirectory _restoredData = new();
    private readonly TempDataDirectory _exports = new();

    public void Dispose()
    {
        _data.Dispose();
        _restoredData.Dispose();
        _exports.Dispose();
    }

    /// <summary>
    /// The n-gram embedder's vectors at any dimension, answered asynchronously; while closed, calls after the start-up
    /// probe wait until <see cref="Open"/>.
    /// </summary>
    private sealed class HostGenerator(int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly HashedNGramEmbedder _ngrams = new(dimensions);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _closed;

        public void Close() => _closed = true;

        public void Open() => _open.TrySetResult();

        /// <summary>Completes when a call is waiting for <see cref="Open"/>.</summary>
        public Task Waiting => _waiting.Task;

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            if (_closed)
            {
                _waiting.TrySetResult();
                await _open.Task.WaitAsync(cancellationToken);
            }

            return new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(_ngrams.Embed(t))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("host", null, "ngrams-of-the-host", dimensions) : null;

        public void Dispose() => _ngrams.Dispose();
    }

    private static IHost BuildHost(string dataDirectory, IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NixHumanity:DataDirectory"] = dataDirectory,
            ["NixHumanity:Serve"] = "false",
            // Three hosts start one after the other; under a full test run the first answers can take more than the default 10 s.
            ["NixHumanity:AskTimeout"] = "00:01:00",
        });
        builder.Services.AddSingleton(generator);
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        return builder.Build();
    }

    /// <summary>Records three interactions; returns the last one's journal position.</summary>
    private static async Task<long> RecordAsync(NixHumanityClient client, string user)
    {
        await client.RecordInteractionAsync(new RecordInteraction(user, "s", "install firefox please", Firefox, Outcome: InteractionOutcome.Success));
        await client.RecordInteractionAsync(new RecordInteraction(user, "s", "add vim to my profile", Vim, Outcome: InteractionOutcome.Success));
        return (await client.RecordInteractionAsync(new RecordInteraction(user, "s", "rebuild the system now", Rebuild, Outcome: InteractionOutcome.Failure))).SequenceNr;
    }

    private static async Task<string?> TopCommandAsync(NixHumanityClient client, string user, string query) =>
        (await client.SearchAsync(new SearchMemory(user, query))).Results.FirstOrDefault()?.Command;

    [Fact]
    public async Task A_768_dimensional_generator_records_searches_folds_exports_restores_and_restarts()
    {
        using var generator = new HostGenerator(768);
        long lastRecorded;
        using (var host = BuildHost(_data.Path, generator))
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<NixHumanityClient>();
            lastRecorded = await RecordAsync(client, "rose");

            (await TopCommandAsync(client, "rose", "install firefox")).Should().Be(Firefox);
            (await TopCommandAsync(client, "rose", "vim in my profile")).Should().Be(Vim);
            var status = await client.GetMemoryStatusAsync("rose");
            status.EmbedderId.Should().Be("meai:host/ngrams-of-the-host:768");
            status.Rows.Should().Be(3);

            var fold = await client.FoldAsync("rose");
            fold.DirectionFromMemory.Should().BeTrue("the direction has the generator's 768 components");
            var preferences = await client.GetPreferencesAsync("rose");
            preferences.Features.Should().Be("0..1151", "768 direction features, then the 384 behaviour features");
            preferences.Cells.Where(c => c.Feature < 768).Should().HaveCount(768).And.OnlyContain(c => c.Name == $"direction[{c.Feature}]");
            preferences.Cells.Should().Contain(c => c.Feature == 768 && c.Name == "activity");
            preferences.Cells.Single(c => c.Name == "success_rate").Feature.Should().Be(769);

            var exported = await client.ExportAsync("rose", Path.Combine(_exports.Path, "rose"));
            exported.Files.Single(f => f.Path == "memory/command_embeddings.parquet").Description.Should().Contain("768-d embeddings (3 rows)");
            await host.StopAsync();
        }

        using (var host = BuildHost(_data.Path, generator))
        {
            // Same generator after a restart: the store and the tensor are read as they are, nothing re-embedded.
            await host.StartAsync();
            var client = host.Services.GetRequiredService<NixHumanityClient>();

            (await TopCommandAsync(client, "rose", "install firefox")).Should().Be(Firefox);
            var status = await client.GetMemoryStatusAsync("rose");
            status.Rows.Should().Be(3);
            status.Version.Should().Be(lastRecorded, "versions are journal positions (ADR 0031), kept across the restart");
            (await client.GetPreferencesAsync("rose")).Cells.Should().Contain(c => c.Feature == 768 && c.Name == "activity");
            Directory.GetDirectories(Path.Combine(_data.Path, "users"), "fragments*", SearchOption.AllDirectories)
                .Select(Path.GetFileName).Should().Equal(["fragments"], "nothing was set aside");
            await host.StopAsync();
        }

        using (var host = BuildHost(_restoredData.Path, generator))
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<NixHumanityClient>();

            await client.RestoreAsync("rose", Path.Combine(_exports.Path, "rose"));

            await Eventually.HoldsAsync(async () => (await client.GetMemoryStatusAsync("rose")).Rows.Should().Be(3));
            (await TopCommandAsync(client, "rose", "vim in my profile")).Should().Be(Vim);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Changing_the_generator_dimension_re_embeds_the_memories_and_rebuilds_the_preferences_in_the_new_layout()
    {
        using (var wide = new HostGenerator(768))
        using (var host = BuildHost(_data.Path, wide))
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<NixHumanityClient>();
            await RecordAsync(client, "rose");
            (await TopCommandAsync(client, "rose", "install firefox")).Should().Be(Firefox);
            (await client.FoldAsync("rose")).DirectionFromMemory.Should().BeTrue();
            await host.StopAsync();
        }

        using var narrow = new HostGenerator(384);
        using (var host = BuildHost(_data.Path, narrow))
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<NixHumanityClient>();

            await Eventually.HoldsAsync(async () =>
            {
                var status = await client.GetMemoryStatusAsync("rose");
                status.EmbedderId.Should().Be("meai:host/ngrams-of-the-host:384");
                status.Rows.Should().Be(3, "the background re-embedding applies all three records again");
            });
            (await TopCommandAsync(client, "rose", "install firefox")).Should().Be(Firefox);

            var rebuilt = await client.GetPreferencesAsync("rose");
            rebuilt.Features.Should().Be("0..767");
            rebuilt.Cells.Should().Contain(c => c.Feature == 384 && c.Name == "activity", "the logged fold is replayed in the 384 layout");
            rebuilt.Cells.Should().NotContain(c => c.Feature >= 768);
            Directory.GetDirectories(Path.Combine(_data.Path, "users"), "fragments.relaid-*", SearchOption.AllDirectories)
                .Should().ContainSingle("the 768 layout's fragments are set aside, not deleted");
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_memory_keeps_answering_while_the_generator_has_not_and_applies_the_records_in_journal_order()
    {
        using var generator = new HostGenerator(512);
        using var host = BuildHost(_data.Path, generator);
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        await RecordAsync(client, "rose");
        (await TopCommandAsync(client, "rose", "install firefox")).Should().Be(Firefox);

        generator.Close();
        var python = await client.RecordInteractionAsync(new RecordInteraction("rose", "s", "open a shell with python", "nix-shell -p python3", Outcome: InteractionOutcome.Success));
        var search = client.SearchAsync(new SearchMemory("rose", "python shell"));
        await generator.Waiting;

        // The memory's thread is free while the generator has not answered: it takes the learner's preferences.
        var updated = await client.AskAsync<PreferencesUpdated>(new UpdatePreferences("rose", Enumerable.Repeat(0.01f, 512).ToArray(), new Dictionary<string, double>()));
        updated.Dimensions.Should().Be(512);
        search.IsCompleted.Should().BeFalse("the search waits for the record acknowledged before it");

        generator.Open();
        var found = await search;
        found.Results.Select(r => r.Command).Should().Contain("nix-shell -p python3");
        found.Version.Should().Be(python.SequenceNr, "the record is the version of its journal position, applied after the three before it");
        await host.StopAsync();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// The in-process library's read calls for a person nothing is held about answer as for a person without history and
/// create nothing under the data directory (the projections open their stores only when there is something to hold);
/// the first thing held brings that person's stores into being as before.
/// </summary>
public sealed class ReadsCreateNothingSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string DataDir => _data.File("data");

    [Fact]
    public async Task Every_read_call_for_an_unknown_person_answers_empty_and_leaves_the_data_directory_as_it_was()
    {
        using var host = await StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        await client.RecordInteractionAsync(new RecordInteraction("rose", "s", "install vlc", "nix-env -iA nixpkgs.vlc", Outcome: InteractionOutcome.Success));
        await client.GetMemoryStatusAsync("rose");
        await client.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("rose"));
        var before = DataDirectorySnapshot.Of(DataDir);

        var status = await client.GetStatusAsync("ghost");
        var memory = await client.GetMemoryStatusAsync("ghost");
        var search = await client.SearchAsync(new SearchMemory("ghost", "vlc"));
        var flow = await client.QueryAsync("ghost", "flow");
        var preferences = await client.GetPreferencesAsync("ghost");
        var next = await client.SuggestAsync("ghost");
        var fold = await client.FoldAsync("ghost");
        var export = await client.ExportAsync("ghost", _data.File("ghost-export"));
        await client.WarmUpAsync("ghost");

        using (new FluentAssertions.Execution.AssertionScope())
        {
            status.Interactions.Should().Be(0);
            memory.LastSequenceNr.Should().Be(0);
            search.Results.Should().BeEmpty();
            flow.Rows.Should().BeEmpty();
            preferences.Cells.Should().BeEmpty();
            next.Next.Should().BeEmpty();
            fold.Written.Should().BeFalse();
            export.Counts["events"].Should().Be(0);
            Directory.Exists(Path.Combine(DataDir, "users", "ghost")).Should().BeFalse("reading creates no folder for the person");
            DataDirectorySnapshot.Of(DataDir).Should().Equal(before);
            client.KnownUsers().Should().Equal("rose");
        }

        await host.StopAsync();
        Directory.GetDirectories(Path.GetTempPath(), "nixh-*-ghost-*").Should().BeEmpty("the provisional stores are deleted when their actors stop");
    }

    [Fact]
    public async Task The_first_thing_held_about_a_person_read_before_brings_their_stores_into_being()
    {
        using var host = await StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        (await client.SearchAsync(new SearchMemory("newcomer", "vlc"))).Results.Should().BeEmpty();
        await client.RecordBiometricsAsync("newcomer", [new BiometricSample(DateTimeOffset.UtcNow.AddMinutes(-1), "newcomer", 0.5, 0.5, 0.5)]);

        await client.RecordInteractionAsync(new RecordInteraction("newcomer", "s", "install vlc", "nix-env -iA nixpkgs.vlc", Outcome: InteractionOutcome.Success));
        var search = await client.SearchAsync(new SearchMemory("newcomer", "install vlc"));
        var counts = await client.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("newcomer"));

        search.Results.Should().ContainSingle().Which.Command.Should().Be("nix-env -iA nixpkgs.vlc");
        counts.Tables[BiometricSeries.Table].Should().Be(1, "the sample recorded while the learner was provisional is held");
        File.Exists(Path.Combine(DataDir, "users", "newcomer", "memory", "memory.duckdb")).Should().BeTrue();
        Directory.Exists(Path.Combine(DataDir, "users", "newcomer", "learner")).Should().BeTrue();
        await host.StopAsync();
    }

    private async Task<IHost> StartAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(options =>
        {
            options.DataDirectory = DataDir;
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}

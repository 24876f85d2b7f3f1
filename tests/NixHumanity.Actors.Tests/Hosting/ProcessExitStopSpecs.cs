using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// A host whose process ends with its stop (the nixh executable, <c>ProjectionOptions.ProcessExitsAfterStop</c>) leaves
/// its data directory's shared DuckDB instances open, and the directory's lock held, for the exit (ADR 0058). Should the
/// same process start another host on the directory after all, that host takes the lock over, reuses the instances and
/// finds every acknowledged interaction in its stores, without a repair; and once it stops as the library does, no
/// file of the directory is left locked against the next process.
/// </summary>
public sealed class ProcessExitStopSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_host_of_an_exiting_process_leaves_its_instances_open_and_a_later_host_of_the_process_takes_the_directory_over_with_every_row()
    {
        var users = Path.GetFullPath(Path.Combine(_data.Path, "users"));
        var learners = PerUserDuckDb.LearnersInstanceKey(users);
        long last;
        using (var host = BuildHost(processExits: true))
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<NixHumanityClient>();
            last = 0;
            for (var i = 0; i < 3; i++)
            {
                last = (await client.RecordInteractionAsync(new RecordInteraction("maya", "morning", $"install package {i}", $"nix-env -iA nixpkgs.pkg{i}", Outcome: InteractionOutcome.Success))).SequenceNr;
            }

            await client.BothAppliedAsync("maya", last);
            await host.StopAsync();
        }

        var leftOpen = PerUserDuckDb.OpenInstanceKeys();

        // Without the lock handed over, this start fails: the stopped host's process still owns the directory.
        using (var host = BuildHost(processExits: false))
        {
            await host.StartAsync();
            leftOpen.Should().Contain([users, learners], "the stop left both instances to the process's exit");
            var client = host.Services.GetRequiredService<NixHumanityClient>();
            await client.BothAppliedAsync("maya", last);
            client.StoreRepairs().Should().BeEmpty("the stores were closed without a checkpoint and their logs replayed");
            await host.StopAsync();
        }

        PerUserDuckDb.OpenInstanceKeys().Should().NotContain(users, "a library host closes its instances with its stop").And.NotContain(learners);
        var result = await NixhProcess.RunAsync("query", "flow", "--data-dir", _data.Path, "--user", "maya", "--json");
        result.ExitCode.Should().Be(0, result.StdErr);
        result.StdErr.Should().NotContain("lock");
    }

    private IHost BuildHost(bool processExits)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(options =>
        {
            options.DataDirectory = _data.Path;
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };
            // A first record starts the user's tree; on a loaded machine that alone took longer than the default 10 s.
            options.AskTimeout = TimeSpan.FromMinutes(2);
            options.Projections.ProcessExitsAfterStop = processExits;
        });
        return builder.Build();
    }
}

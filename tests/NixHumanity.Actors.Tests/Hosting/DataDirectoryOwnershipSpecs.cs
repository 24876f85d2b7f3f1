using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>One writer per data directory: whoever opens it holds <c>owner.lock</c> until it stops.</summary>
public sealed class DataDirectoryOwnershipSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private IHost BuildHost(bool serve = true)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(options =>
        {
            options.DataDirectory = _data.Path;
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };
            options.Serve = serve;
        });
        return builder.Build();
    }

    [Fact]
    public async Task A_verb_beside_an_in_process_host_that_does_not_serve_is_refused_at_once_naming_the_holder()
    {
        using var host = BuildHost(serve: false);
        await host.StartAsync();
        await host.Services.GetRequiredService<NixHumanityClient>().RecordInteractionAsync(new RecordInteraction("rose", "s", "install vlc"));

        var refused = await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "maya", "--session", "s", "--text", "install git");

        refused.ExitCode.Should().Be(6, refused.StdErr);
        refused.StdOut.Should().BeEmpty();
        refused.StdErr.TrimEnd().Should().StartWith($"nixh: data directory {_data.Path} is in use by process {Environment.ProcessId} (")
            .And.EndWith("; one process owns it at a time")
            .And.NotContain("\n");
        var status = await host.Services.GetRequiredService<NixHumanityClient>().GetStatusAsync("maya");
        status.Interactions.Should().Be(0, "the refused process wrote nothing");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_second_host_in_the_same_process_is_refused_and_the_first_ones_stop_frees_the_directory()
    {
        using var first = BuildHost();
        await first.StartAsync();
        using var second = BuildHost();

        var refused = async () => await second.StartAsync();

        (await refused.Should().ThrowAsync<DataDirectoryInUseException>()).Which.HolderPid.Should().Be(Environment.ProcessId);
        await first.StopAsync();
        using var third = BuildHost();
        await third.StartAsync();
        File.ReadAllLines(Path.Combine(_data.Path, DataDirectoryLock.HolderFileName))[0].Should().Be($"{Environment.ProcessId}");
        await third.StopAsync();
    }

    [Fact]
    public async Task A_host_whose_own_AddAkka_comes_first_takes_the_lock_before_its_actor_system_opens_the_journal()
    {
        using var held = DataDirectoryLock.Acquire(_data.Path);
        var systemStarted = false;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka("assistant", (akka, provider) => akka
            .WithActors((_, _) => systemStarted = true)
            .WithNixHumanity(provider));
        builder.Services.AddNixHumanityServices(configure: options =>
        {
            options.DataDirectory = _data.Path;
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };
        });
        using var host = builder.Build();

        var start = async () => await host.StartAsync();

        await start.Should().ThrowAsync<DataDirectoryInUseException>();
        systemStarted.Should().BeFalse("the actor system starts only once the lock is held");
        File.Exists(new NixHumanityOptions { DataDirectory = _data.Path }.Data.JournalDatabase).Should().BeFalse("nothing opened the journal");
    }

    [Fact]
    public void The_lock_of_a_folder_that_cannot_be_created_is_a_store_fault_naming_the_file()
    {
        var acquire = () => DataDirectoryLock.Acquire("/proc/nixh-data");

        acquire.Should().Throw<StoreFaultException>().Which.Path.Should().Be("/proc/nixh-data/owner.lock");
    }
}

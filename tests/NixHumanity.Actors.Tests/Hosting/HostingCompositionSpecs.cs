using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>The registration composes with a host's own actor system and binds its options from configuration.</summary>
public sealed class HostingCompositionSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>An actor of the host's own, registered by its own <c>WithActors</c>.</summary>
    private sealed class HostsOwnActor : ReceiveActor
    {
        public HostsOwnActor() => ReceiveAny(_ => Sender.Tell("host's own actor"));
    }

    private HostApplicationBuilder NewBuilder(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NixHumanity:DataDirectory"] = _data.Path,
            ["NixHumanity:Embeddings:Kind"] = "NGram",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        return builder;
    }

    private static void AddHostsOwnActorSystem(IServiceCollection services, Func<AkkaConfigurationBuilder, IServiceProvider, AkkaConfigurationBuilder>? more = null) =>
        services.AddAkka("assistant", (akka, provider) =>
        {
            akka.WithActors((system, registry) => registry.Register<HostsOwnActor>(system.ActorOf(Props.Create(() => new HostsOwnActor()), "own")));
            more?.Invoke(akka, provider);
        });

    private static async Task BothRunInOneSystem(IHost host)
    {
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        var own = await host.Services.GetRequiredService<IRequiredActor<HostsOwnActor>>().GetAsync();

        var ack = await client.RecordInteractionAsync(new RecordInteraction("rose", "morning", "install firefox please", "nix-env -iA nixpkgs.firefox"));
        var reply = await own.Ask<string>("hello", TimeSpan.FromSeconds(10));

        ack.SequenceNr.Should().Be(1);
        reply.Should().Be("host's own actor");
        host.Services.GetRequiredService<ActorSystem>().Name.Should().Be("assistant");
    }

    [Fact]
    public async Task The_hosts_own_AddAkka_with_WithNixHumanity_runs_both_the_hosts_actors_and_the_trees()
    {
        var builder = NewBuilder();
        builder.Services.AddNixHumanityServices(builder.Configuration.GetSection("NixHumanity"));
        AddHostsOwnActorSystem(builder.Services, (akka, provider) => akka.WithNixHumanity(provider));
        using var host = builder.Build();
        await host.StartAsync();

        await BothRunInOneSystem(host);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddNixHumanity_after_the_hosts_AddAkka_joins_the_hosts_actor_system_instead_of_replacing_it()
    {
        var builder = NewBuilder();
        AddHostsOwnActorSystem(builder.Services);
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        using var host = builder.Build();
        await host.StartAsync();

        await BothRunInOneSystem(host);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddAkka_after_AddNixHumanity_stops_the_start_with_a_message_saying_what_to_do()
    {
        var builder = NewBuilder();
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        AddHostsOwnActorSystem(builder.Services);
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("WithNixHumanity");
        await host.StopAsync();
    }

    [Fact]
    public void Options_bind_from_configuration_and_are_visible_as_IOptions()
    {
        var builder = NewBuilder(new()
        {
            ["NixHumanity:SnapshotInterval"] = "250",
            ["NixHumanity:PassivationTimeout"] = "00:02:00",
            ["NixHumanity:Flow:EnterThreshold"] = "0.8",
            ["NixHumanity:Memory:PreferenceWeight"] = "0.3",
        });
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"), options => options.FoldInterval = TimeSpan.FromSeconds(5));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<NixHumanityOptions>>().Value;

        options.DataDirectory.Should().Be(_data.Path);
        options.Embeddings.Kind.Should().Be(EmbedderKind.NGram);
        options.SnapshotInterval.Should().Be(250);
        options.PassivationTimeout.Should().Be(TimeSpan.FromMinutes(2));
        options.Flow.EnterThreshold.Should().Be(0.8);
        options.Memory.PreferenceWeight.Should().Be(0.3);
        options.FoldInterval.Should().Be(TimeSpan.FromSeconds(5));
        host.Services.GetRequiredService<NixHumanityOptions>().Should().BeSameAs(options);
    }

    [Theory]
    [InlineData("NixHumanity:SnapshotInterval", "0", "NixHumanity:SnapshotInterval")]
    [InlineData("NixHumanity:SnapshotIntervall", "10", "SnapshotIntervall")]
    [InlineData("NixHumanity:PassivationTimeout", "soon", "NixHumanity:PassivationTimeout")]
    [InlineData("NixHumanity:Flow:EnterThreshold", "2", "NixHumanity:Flow:EnterThreshold:")]
    [InlineData("NixHumanity:Memory:AbstainBelow", "5", "NixHumanity:Memory:AbstainBelow:")]
    [InlineData("NixHumanity:Cluster:Enabled", "true", "NixHumanity:Cluster:Enabled: needs JournalProvider Postgres")]
    [InlineData("NixHumanity:Embeddings:Kind", "Onnx", "NixHumanity:Embeddings:Onnx: must be set")]
    public async Task A_bad_key_is_rejected_at_start_naming_it(string key, string value, string named)
    {
        var builder = NewBuilder(new() { [key] = value });
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain(named);
    }
}

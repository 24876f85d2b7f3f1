using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Hosting;

public sealed class HostingSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private IHost BuildHost(Action<NixHumanityOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(options =>
        {
            options.DataDirectory = _data.Path;
            // These specs need some embedder, not the model: the fast n-grams.
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };
            configure?.Invoke(options);
        });
        return builder.Build();
    }

    [Fact]
    public async Task An_assistant_hosts_the_tree_in_process_and_reaches_it_through_the_client_and_the_registry()
    {
        using (var host = BuildHost())
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<NixHumanityClient>();
            var directory = await host.Services.GetRequiredService<IRequiredActor<UserDirectory>>().GetAsync();

            var ack = await client.RecordInteractionAsync(new RecordInteraction("rose", "morning", "install firefox please", "nix-env -iA nixpkgs.firefox", Outcome: InteractionOutcome.Success));
            var viaRegistry = await directory.Ask<SessionStatus>(new GetSessionStatus("rose"), TimeSpan.FromSeconds(60));

            ack.SequenceNr.Should().Be(1);
            viaRegistry.Interactions.Should().Be(1);
            await host.StopAsync();
        }

        using var restarted = BuildHost();
        await restarted.StartAsync();
        var restartedClient = restarted.Services.GetRequiredService<NixHumanityClient>();
        var status = await restartedClient.GetStatusAsync("rose");
        status.Interactions.Should().Be(1);
        // The projections apply the record on their own after it is acknowledged (a stop does not wait for them): their
        // folders exist once each has applied it, whichever host that was.
        await restartedClient.BothAppliedAsync("rose", 1);
        File.Exists(Path.Combine(_data.Path, "journal", "journal.db")).Should().BeTrue();
        Directory.Exists(Path.Combine(_data.Path, "users", "rose", "memory")).Should().BeTrue();
        Directory.Exists(Path.Combine(_data.Path, "users", "rose", "learner")).Should().BeTrue();
        await restarted.StopAsync();
    }

    [Fact]
    public async Task The_client_turns_a_rejection_into_an_exception_naming_field_and_rule()
    {
        using var host = BuildHost();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();

        var act = () => client.RecordInteractionAsync(new RecordInteraction("rose", "morning", ""));

        (await act.Should().ThrowAsync<InvalidInputException>()).Which.Rejection.Should().Be(new CommandRejected("text", "must not be empty"));
        await host.StopAsync();
    }

    [Fact]
    public void Unusable_options_are_refused_at_registration_naming_the_option()
    {
        var services = new ServiceCollection();

        var postgresWithoutConnection = () => services.AddNixHumanity(o => o.JournalProvider = JournalProvider.Postgres);
        var zeroSnapshots = () => services.AddNixHumanity(o => o.SnapshotInterval = 0);
        var noFlowSection = () => services.AddNixHumanity(o => o.Flow = null!);

        postgresWithoutConnection.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(NixHumanityOptions.ConnectionString));
        zeroSnapshots.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(NixHumanityOptions.SnapshotInterval));
        noFlowSection.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(NixHumanityOptions.Flow));
    }

    [Fact]
    public void The_postgres_configuration_points_the_journal_at_the_configured_server()
    {
        var options = new NixHumanityOptions
        {
            DataDirectory = _data.Path,
            JournalProvider = JournalProvider.Postgres,
            ConnectionString = "Host=localhost;Database=nixh;Username=nixh",
        };

        var config = NixHumanityConfig.Compose(options);

        config.GetString("akka.persistence.journal.sql.provider-name").Should().Be("PostgreSQL.15");
        config.GetString("akka.persistence.journal.sql.connection-string").Should().Be(options.ConnectionString);
        config.GetString("akka.persistence.snapshot-store.sql.connection-string").Should().Be(options.ConnectionString);
        config.GetString("akka.persistence.journal.sql.class").Should().NotBeNullOrEmpty("the plugin's defaults are composed below the files");
    }

    [Fact]
    public void The_default_data_directory_follows_nixh_then_xdg_then_home()
    {
        var env = new Dictionary<string, string?> { ["HOME"] = "/home/maya" };
        string? Lookup(string key) => env.GetValueOrDefault(key);

        NixHumanity.Actors.Infrastructure.DataDirectory.DefaultRoot(Lookup).Should().Be("/home/maya/.local/share/nix-humanity");
        env["XDG_DATA_HOME"] = "/data/xdg";
        NixHumanity.Actors.Infrastructure.DataDirectory.DefaultRoot(Lookup).Should().Be("/data/xdg/nix-humanity");
        env["NIXH_DATA_DIR"] = "/srv/nixh";
        NixHumanity.Actors.Infrastructure.DataDirectory.DefaultRoot(Lookup).Should().Be("/srv/nixh");
    }
}

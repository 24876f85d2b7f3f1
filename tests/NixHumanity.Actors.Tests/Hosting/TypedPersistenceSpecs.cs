using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// The hosted journal is configured through Akka.Persistence.Sql.Hosting's typed options, with the files of
/// <c>hocon/</c> only for what has no typed option; the result agrees with the plain composed configuration.
/// </summary>
public sealed class TypedPersistenceSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_hosted_journal_takes_typed_options_and_keeps_the_files_settings_that_have_none()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddNixHumanity(o =>
        {
            o.DataDirectory = _data.Path;
            o.Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram };
        });
        using var host = builder.Build();
        await host.StartAsync();
        var options = host.Services.GetRequiredService<NixHumanityOptions>();
        var config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;
        var plain = NixHumanityConfig.Compose(options);

        foreach (var key in new[]
        {
            "akka.persistence.journal.plugin",
            "akka.persistence.journal.sql.connection-string",
            "akka.persistence.journal.sql.provider-name",
            "akka.persistence.journal.sql.class",
            "akka.persistence.journal.sql.table-mapping",
            "akka.persistence.snapshot-store.sql.connection-string",
            "akka.persistence.query.journal.sql.connection-string",
            "akka.persistence.query.journal.sql.write-plugin",
        })
        {
            config.GetString(key).Should().Be(plain.GetString(key), key);
        }

        config.GetString("akka.persistence.journal.sql.class").Should().StartWith(typeof(GroupCommitSqlJournal).FullName);
        config.GetBoolean("akka.persistence.journal.sql.use-clone-connection").Should().BeFalse();
        config.GetTimeSpan("akka.persistence.query.journal.sql.refresh-interval").Should().Be(TimeSpan.FromMilliseconds(200));
        await host.StopAsync();
    }
}

using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Postgres;

/// <summary>The same journal behaviour on PostgreSQL: only the HOCON file and connection string differ.</summary>
public sealed class PostgresJournalSpecs : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();
    private PostgresDatabase? _database;

    private string Connection => _database!.ConnectionString;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        _data.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private ActorTree Start() => ActorTree.Start(_data.Path, o =>
    {
        o.JournalProvider = JournalProvider.Postgres;
        o.ConnectionString = Connection;
    });

    private Task<long> JournalRowsAsync() => _database!.CountAsync("SELECT COUNT(*) FROM journal");

    [PostgresFact]
    public async Task Acknowledged_interactions_are_in_postgres_and_a_new_actor_system_recovers_them()
    {
        SessionStatus before;
        await using (var tree = Start())
        {
            await tree.RecordAsync("rose", "install firefox please");
            await tree.RecordAsync("rose", "make the text bigger", InteractionOutcome.Failure);
            await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("rose", "system-update"));
            before = await tree.StatusAsync("rose");
            (await JournalRowsAsync()).Should().Be(before.SequenceNr);
            (await tree.AskAsync(new RecordInteraction("rose", "s1", ""))).Should().BeOfType<Contracts.CommandRejected>();
            (await JournalRowsAsync()).Should().Be(before.SequenceNr, "a rejected command writes nothing");
        }

        await using var restarted = Start();
        var after = await restarted.StatusAsync("rose");

        after.Should().BeEquivalentTo(before);
        after.Interactions.Should().Be(2);
        File.Exists(Path.Combine(_data.Path, "journal", "journal.db")).Should().BeFalse("nothing goes to SQLite when PostgreSQL is configured");
    }
}

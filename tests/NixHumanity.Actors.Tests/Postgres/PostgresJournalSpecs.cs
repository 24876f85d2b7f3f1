using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using Npgsql;

namespace NixHumanity.Actors.Tests.Postgres;

/// <summary>The same journal behaviour on PostgreSQL: only the HOCON file and connection string differ.</summary>
public sealed class PostgresJournalSpecs : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();
    private readonly string _database = $"nixh_test_{Guid.NewGuid():N}";
    private string _admin = "";
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)
                 ?? throw new InvalidOperationException($"{PostgresFactAttribute.Variable} is not set: CI must start PostgreSQL and set it (see .ci/run).");
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
        await create.ExecuteNonQueryAsync();
        _connection = new NpgsqlConnectionStringBuilder(_admin) { Database = _database }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        _data.Dispose();
        if (_admin.Length == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private ActorTree Start() => ActorTree.Start(_data.Path, o =>
    {
        o.JournalProvider = JournalProvider.Postgres;
        o.ConnectionString = _connection;
    });

    private async Task<long> JournalRowsAsync()
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM journal", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

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

using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using Npgsql;

namespace NixHumanity.Actors.Tests.Postgres;

/// <summary>
/// The journal identity (table <c>nixh_journal_identity</c>, ADR 0012) on a real PostgreSQL server: created once with
/// the journal, kept across restarts, and a journal emptied or behind its projections is noticed, reported and
/// followed, as on SQLite (<c>JournalIdentitySpecs</c>).
/// </summary>
public sealed class PostgresJournalIdentitySpecs : IAsyncLifetime
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

    private JournalLocation Location => new(JournalProvider.Postgres, _connection);

    private async Task ExecuteAsync(string sql)
    {
        // Connections of the stopped actor system may still be pooled; the change must not wait on them.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> IdentityRowsAsync()
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {JournalIdentity.TableName}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task<long> RecordAsync(ActorTree tree, params string[] packages)
    {
        foreach (var package in packages)
        {
            await tree.RecordAsync("ann", $"install {package}", command: $"nix-env -iA nixpkgs.{package}");
        }

        return (await tree.StatusAsync("ann")).SequenceNr;
    }

    private static async Task<(ProjectionStatus Memory, AnalyticsCounts Learner)> ProjectionsAsync(ActorTree tree) =>
        (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann")), await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("ann")));

    [PostgresFact]
    public async Task The_postgres_journal_gets_one_identity_and_keeps_it_across_restarts()
    {
        await using (var first = Start())
        {
            await RecordAsync(first, "vim", "git");
            await ProjectionsAsync(first);
        }

        var identity = JournalIdentity.Ensure(Location, TimeProvider.System);
        Guid.TryParse(identity, out _).Should().BeTrue();
        (await IdentityRowsAsync()).Should().Be(1);
        JournalIdentity.HighestSequenceNr(Location, SessionActor.PersistenceIdFor("ann")).Should().BeGreaterThanOrEqualTo(2);

        await using var second = Start();
        var (memory, learner) = await ProjectionsAsync(second);
        memory.EventsApplied.Should().Be(0, "the projections follow this journal: nothing rebuilt");
        learner.Checkpoint.Should().Be(memory.LastSequenceNr);
        second.Client().JournalLosses().Should().BeEmpty();
        JournalIdentity.Ensure(Location, TimeProvider.System).Should().Be(identity);
        (await IdentityRowsAsync()).Should().Be(1);
    }

    /// <summary>
    /// Two nodes starting at the same moment on a new database (docs/adr/0018, addendum): while one is inside its
    /// creating transaction (the table made, its identity inserted, not committed), the other looks, finds no table,
    /// and tries to create it; its <c>CREATE TABLE IF NOT EXISTS</c> waits for the first and, once that commits, is
    /// refused by PostgreSQL. It must end with the first node's identity, not a failure or a second identity.
    /// </summary>
    [PostgresFact]
    public async Task A_node_creating_the_identity_while_another_is_creating_it_gets_the_same_identity()
    {
        const string First = "11111111-2222-3333-4444-555555555555";
        await using var firstNode = new NpgsqlConnection(_connection);
        await firstNode.OpenAsync();
        await using var creating = await firstNode.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand($"CREATE TABLE IF NOT EXISTS {JournalIdentity.TableName}(id TEXT NOT NULL, created_at TEXT NOT NULL)", firstNode, creating))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand($"INSERT INTO {JournalIdentity.TableName}(id, created_at) VALUES ('{First}', '2026-12-02T00:00:00Z')", firstNode, creating))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var second = Task.Run(() => JournalIdentity.Ensure(Location, TimeProvider.System));
        // The second node is inside its own creation once PostgreSQL shows it waiting for the first one's transaction.
        await Eventually.HoldsAsync(async () => (second.IsCompleted || await WaitingForALockAsync() > 0).Should().BeTrue(), TimeSpan.FromSeconds(120));
        second.IsCompleted.Should().BeFalse("the second node cannot see the uncommitted table and waits to create it");
        await creating.CommitAsync();

        (await second).Should().Be(First, "both nodes follow the identity the first one created");
        (await IdentityRowsAsync()).Should().Be(1);
        JournalIdentity.Ensure(Location, TimeProvider.System).Should().Be(First);
    }

    private async Task<long> WaitingForALockAsync()
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var waiting = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        return (long)(await waiting.ExecuteScalarAsync())!;
    }

    [PostgresFact]
    public async Task An_emptied_postgres_journal_is_noticed_and_new_acknowledged_writes_reach_search_and_analytics()
    {
        long applied;
        await using (var first = Start())
        {
            applied = await RecordAsync(first, "vim", "git", "htop");
            (await ProjectionsAsync(first)).Memory.LastSequenceNr.Should().Be(applied);
        }

        await ExecuteAsync($"DROP TABLE IF EXISTS journal, tags, snapshot, {JournalIdentity.TableName} CASCADE");

        await using var second = Start();
        (await second.RecordAsync("ann", "install firefox", command: "nix-env -iA nixpkgs.firefox")).SequenceNr.Should().Be(1);
        var now = (await second.StatusAsync("ann")).SequenceNr;
        var (memory, learner) = await ProjectionsAsync(second);
        memory.LastSequenceNr.Should().Be(now);
        memory.Rows.Should().Be(1, "the old memories were set aside with the store");
        learner.Tables["interactions"].Should().Be(1);
        var found = await second.AskAsync<MemorySearched>(new SearchMemory("ann", "install firefox", 5));
        found.Results.Select(r => r.Command).Should().Equal("nix-env -iA nixpkgs.firefox");
        second.Client().JournalLosses().Should().HaveCount(2)
            .And.OnlyContain(l => l.Reason == "other-journal" && l.AppliedThrough == applied, "an emptied journal has a new identity");
    }

    [PostgresFact]
    public async Task A_postgres_journal_that_lost_its_latest_events_is_noticed_as_behind_and_followed()
    {
        long applied;
        await using (var first = Start())
        {
            applied = await RecordAsync(first, "vim", "git", "htop", "curl", "jq");
            (await ProjectionsAsync(first)).Memory.LastSequenceNr.Should().Be(applied);
        }

        // As if restored from a backup taken after the first two events: same database, same identity, fewer events.
        await ExecuteAsync("DELETE FROM tags; DELETE FROM journal WHERE sequence_number > 2; DELETE FROM snapshot");

        await using var second = Start();
        await second.RecordAsync("ann", "install firefox", command: "nix-env -iA nixpkgs.firefox");
        var now = (await second.StatusAsync("ann")).SequenceNr;
        now.Should().BeLessThan(applied, "the journal went back");
        var (memory, learner) = await ProjectionsAsync(second);
        memory.LastSequenceNr.Should().Be(now);
        learner.Checkpoint.Should().Be(now);
        var found = await second.AskAsync<MemorySearched>(new SearchMemory("ann", "install firefox", 1));
        found.Results.Single().Command.Should().Be("nix-env -iA nixpkgs.firefox");
        second.Client().JournalLosses().Should().HaveCount(2)
            .And.OnlyContain(l => l.Reason == "journal-behind" && l.AppliedThrough == applied && l.JournalHighest < applied);
    }
}

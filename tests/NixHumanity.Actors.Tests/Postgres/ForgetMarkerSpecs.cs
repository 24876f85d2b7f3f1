using System.Text;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using Npgsql;

namespace NixHumanity.Actors.Tests.Postgres;

/// <summary>
/// The forget marker (docs/adr/0023) on a real PostgreSQL journal, without a cluster: two data directories stand for
/// two nodes sharing the journal. A copy built before the person was forgotten elsewhere is deleted when its
/// projections start, even once the person's new history is longer than the copy's checkpoint (sequence numbers
/// restart at 1 after a forget, so they alone cannot tell).
/// </summary>
public sealed class ForgetMarkerSpecs : IAsyncLifetime
{
    private readonly TempDataDirectory _away = new();
    private readonly TempDataDirectory _elsewhere = new();
    private readonly string _marker = $"zqx-marker-{Guid.NewGuid():N}";
    private PostgresDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        _away.Dispose();
        _elsewhere.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private ActorTree Start(TempDataDirectory data) => ActorTree.Start(data.Path, o =>
    {
        o.JournalProvider = JournalProvider.Postgres;
        o.ConnectionString = _database!.ConnectionString;
        // A bound on a failure, not a speed check: the first request of a tree on PostgreSQL waits for the journal.
        o.AskTimeout = TimeSpan.FromSeconds(60);
    });

    private List<string> FilesWithMarker(string folder)
    {
        var patterns = new[] { Encoding.UTF8.GetBytes(_marker), Encoding.Unicode.GetBytes(_marker) };
        return Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(file => patterns.Any(p => File.ReadAllBytes(file).AsSpan().IndexOf(p) >= 0))
            .ToList();
    }

    [PostgresFact]
    public async Task A_copy_built_before_the_person_was_forgotten_elsewhere_is_deleted_on_start_and_never_served()
    {
        await using (var away = Start(_away))
        {
            await away.RecordAsync("ann", $"install {_marker} one", command: $"nix-env -iA nixpkgs.{_marker}");
            await away.RecordAsync("ann", $"install {_marker} two", command: $"nix-env -iA nixpkgs.{_marker}");
            (await away.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"))).LastSequenceNr.Should().Be(2);
            await away.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("ann"));
        }

        FilesWithMarker(_away.Path).Should().NotBeEmpty("the copy holds the person's words");
        await using (var elsewhere = Start(_elsewhere))
        {
            (await elsewhere.AskDirectoryAsync(new ForgetUser("ann"), TimeSpan.FromSeconds(120))).Should().BeOfType<UserForgotten>();
            for (var i = 1; i <= 3; i++)
            {
                await elsewhere.RecordAsync("ann", $"install fresh{i}", command: $"nix-env -iA nixpkgs.fresh{i}");
            }
        }

        ForgottenUsers.Generation(new JournalLocation(JournalProvider.Postgres, _database!.ConnectionString), SessionActor.PersistenceIdFor("ann"))
            .Should().NotBeNull("the forget wrote a marker");
        await using var back = Start(_away);
        var hits = (await back.AskAsync<MemorySearched>(new SearchMemory("ann", "install", 10))).Results;

        hits.Select(h => h.Text).Should().BeEquivalentTo(["install fresh1", "install fresh2", "install fresh3"],
            "the copy (checkpoint #2) was built before the forget; the new history (#1-#3) must not be appended to it");
        var memory = await back.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"));
        memory.LastSequenceNr.Should().Be(3);
        memory.EventsApplied.Should().Be(3, "the store was rebuilt from the new history");
        (await back.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("ann"))).Checkpoint.Should().Be(3);
        FilesWithMarker(_away.Path).Should().BeEmpty("the old copy is deleted, not set aside");
        back.Client().JournalLosses().Should().BeEmpty("a forget is not a journal loss");
    }

    /// <summary>
    /// Two first forgets at the same moment on a new database (docs/adr/0023, addendum): while another node is inside
    /// its creation of the marker table (made, not committed), this node's forget tries to create it too; PostgreSQL
    /// makes it wait and then refuses it once the other commits. The forget must still complete and write its marker.
    /// </summary>
    [PostgresFact]
    public async Task A_first_forget_while_another_node_creates_the_marker_table_completes_with_its_marker()
    {
        await using (var tree = Start(_away))
        {
            await tree.RecordAsync("ann", "install vim", command: "nix-env -iA nixpkgs.vim");
        }

        var journal = new JournalLocation(JournalProvider.Postgres, _database!.ConnectionString);
        NpgsqlConnection.ClearAllPools();
        await using var otherNode = new NpgsqlConnection(_database.ConnectionString);
        await otherNode.OpenAsync();
        await using var creating = await otherNode.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {ForgottenUsers.TableName}(user_key TEXT NOT NULL PRIMARY KEY, generation TEXT NOT NULL); " +
            $"INSERT INTO {ForgottenUsers.TableName}(user_key, generation) VALUES ('someone-else', 'g1')", otherNode, creating))
        {
            await create.ExecuteNonQueryAsync();
        }

        var forget = Task.Run(() => UserEraser.EraseAsync(journal, new DataDirectory(_elsewhere.Path), "ann"));
        // This node's forget is inside its creation once PostgreSQL shows it waiting for the other's transaction.
        await Eventually.HoldsAsync(async () => (forget.IsCompleted || await WaitingForALockAsync() > 0).Should().BeTrue(), TimeSpan.FromSeconds(120));
        forget.IsCompleted.Should().BeFalse("the forget cannot see the uncommitted table and waits to create it");
        await creating.CommitAsync();

        var report = await forget;
        report.JournalEvents.Should().BeGreaterThanOrEqualTo(1);
        report.Stores.Should().Contain(line => line.Contains("forget marker written", StringComparison.Ordinal));
        ForgottenUsers.Generation(journal, SessionActor.PersistenceIdFor("ann")).Should().NotBeNull("the forget wrote its marker");
        (await _database.CountAsync($"SELECT COUNT(*) FROM {ForgottenUsers.TableName}")).Should().Be(2, "the other node's marker and this one");
        (await _database.CountAsync("SELECT COUNT(*) FROM journal")).Should().Be(0);
    }

    private async Task<long> WaitingForALockAsync() =>
        await _database!.CountAsync("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
}

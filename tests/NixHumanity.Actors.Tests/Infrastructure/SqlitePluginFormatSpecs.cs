using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Infrastructure;

/// <summary>
/// The SQLite journal and snapshot store write the SQL persistence plugin's tables in its format (ADR 0045): a data
/// directory written by the plugin's own journal and store (every data directory before that change) is read and
/// written by ours, and one written by ours by the plugin's, with the journal configured exactly as the host
/// configures it and only the two plugin classes swapped.
/// </summary>
public sealed class SqlitePluginFormatSpecs : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDataDirectory _ours = new();
    private readonly TempDataDirectory _plugins = new();

    public void Dispose()
    {
        _ours.Dispose();
        _plugins.Dispose();
    }

    [Fact]
    public async Task A_new_file_gets_exactly_the_tables_and_indexes_the_plugin_creates()
    {
        foreach (var (data, plugin) in new[] { (_ours, false), (_plugins, true) })
        {
            var system = Start(data, plugin);
            try
            {
                var actor = system.ActorOf(Props.Create(() => new Journaled("created")));
                (await actor.Ask<string>(new Add("one"), Timeout)).Should().Be("ok");
                (await actor.Ask<string>(Journaled.TakeSnapshot, Timeout)).Should().Be("saved");
            }
            finally
            {
                await system.Terminate();
            }
        }

        Schema(_ours).Should().BeEquivalentTo(Schema(_plugins));
        Schema(_ours).Select(o => o.Name).Should().Contain(["journal", "tags", "snapshot", "journal_uq", "snapshot_created_idx"]);
    }

    [Fact]
    public async Task Events_and_snapshots_written_by_the_plugin_are_recovered_and_continued_by_ours_and_the_other_way_round()
    {
        // Each step recovers what the steps before wrote, then adds an event and a snapshot (the store under test
        // writes the newest snapshot, which the next recovery starts from) and one event after it.
        var expected = new List<string>();
        var steps = new[] { (true, "plugin-1"), (false, "ours-1"), (true, "plugin-2"), (false, "ours-2") };
        foreach (var (plugin, name) in steps)
        {
            var system = Start(_ours, plugin);
            try
            {
                var actor = system.ActorOf(Props.Create(() => new Journaled("mixed")));
                (await actor.Ask<Recovered>(Journaled.GetRecovered, Timeout)).Should()
                    .BeEquivalentTo(new Recovered(expected.ToArray(), expected.Count >= 2), $"step {name} recovers every earlier step's events, from a snapshot when one was saved");

                (await actor.Ask<string>(new Add($"{name}-a"), Timeout)).Should().Be("ok");
                (await actor.Ask<string>(Journaled.TakeSnapshot, Timeout)).Should().Be("saved");
                (await actor.Ask<string>(new Add($"{name}-b"), Timeout)).Should().Be("ok");
                expected.AddRange([$"{name}-a", $"{name}-b"]);
            }
            finally
            {
                await system.Terminate();
            }
        }

        var last = Start(_ours, plugin: false);
        try
        {
            var recovered = await last.ActorOf(Props.Create(() => new Journaled("mixed"))).Ask<Recovered>(Journaled.GetRecovered, Timeout);
            recovered.Values.Should().Equal(expected);
        }
        finally
        {
            await last.Terminate();
        }
    }

    private static ActorSystem Start(TempDataDirectory data, bool plugin)
    {
        var options = new NixHumanityOptions { DataDirectory = data.Path };
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        var config = NixHumanityConfig.Compose(options);
        if (plugin)
        {
            // The plugin's own classes, as every data directory was written before ADR 0045.
            config = ConfigurationFactory.ParseString("""
                akka.persistence.journal.sql.class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                akka.persistence.snapshot-store.sql.class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                """).WithFallback(config);
        }

        return ActorSystem.Create("plugin-format", config);
    }

    private static List<(string Type, string Name, string? Sql)> Schema(TempDataDirectory data)
    {
        var options = new NixHumanityOptions { DataDirectory = data.Path };
        using var connection = SqliteJournalRows.Open(options.EffectiveConnectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'nixh_%'";
        using var reader = command.ExecuteReader();
        var objects = new List<(string, string, string?)>();
        while (reader.Read())
        {
            objects.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return objects;
    }

    /// <summary>Adds a string to a persistent actor's list.</summary>
    public sealed record Add(string Value);

    /// <summary>The event: a string added (an object, so the default JSON serializer writes its type with it).</summary>
    public sealed record Added(string Value);

    /// <summary>What a <see cref="Journaled"/> holds and whether its recovery started from a snapshot.</summary>
    public sealed record Recovered(string[] Values, bool FromSnapshot);

    /// <summary>A persistent actor that journals strings and saves its list as a snapshot when asked.</summary>
    private sealed class Journaled : ReceivePersistentActor
    {
        public const string TakeSnapshot = "snapshot";
        public const string GetRecovered = "recovered";
        private List<string> _values = [];
        private bool _fromSnapshot;
        private IActorRef _requester = ActorRefs.Nobody;

        public Journaled(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<SnapshotOffer>(offer =>
            {
                _values = [.. (string[])offer.Snapshot];
                _fromSnapshot = true;
            });
            Recover<Added>(added => _values.Add(added.Value));
            Command<Add>(add =>
            {
                _requester = Sender;
                Persist(new Added(add.Value), added =>
                {
                    _values.Add(added.Value);
                    _requester.Tell("ok");
                });
            });
            Command<string>(query => query == TakeSnapshot, _ =>
            {
                _requester = Sender;
                SaveSnapshot(_values.ToArray());
            });
            Command<SaveSnapshotSuccess>(_ => _requester.Tell("saved"));
            Command<SaveSnapshotFailure>(failure => _requester.Tell($"not saved: {failure.Cause.Message}"));
            Command<string>(query => query == GetRecovered, _ => Sender.Tell(new Recovered([.. _values], _fromSnapshot)));
        }

        public override string PersistenceId { get; }
    }
}

using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Serialization;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Infrastructure;

/// <summary>
/// The SQLite journal's group commit (<see cref="GroupCommitSqlJournal"/>), with bare persistent actors on the
/// journal configured exactly as the host configures it.
/// </summary>
public sealed class GroupCommitSqlJournalSpecs : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Concurrent_writers_share_transactions_and_every_acknowledged_event_is_recovered()
    {
        const int writers = 40;
        const int eventsEach = 25;
        var system = Start();
        try
        {
            var actors = Enumerable.Range(0, writers).Select(i => system.ActorOf(Props.Create(() => new Writer($"writer-{i}")))).ToArray();
            await Task.WhenAll(actors.Select(async actor =>
            {
                for (var value = 0; value < eventsEach; value++)
                {
                    (await actor.Ask<string>(value, Timeout)).Should().Be("ok");
                }
            }));

            var stats = await JournalOf(system).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout);
            stats.Writes.Should().Be(writers * eventsEach);
            stats.Groups.Should().BeLessThan(stats.Writes, "writes that arrive while a transaction is on disk go into the next one together");
        }
        finally
        {
            await system.Terminate();
        }

        var restarted = Start();
        try
        {
            for (var i = 0; i < writers; i++)
            {
                var actor = restarted.ActorOf(Props.Create(() => new Writer($"writer-{i}")));
                (await actor.Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(Enumerable.Range(0, eventsEach));
            }
        }
        finally
        {
            await restarted.Terminate();
        }
    }

    [Fact]
    public async Task A_write_the_serializer_rejects_fails_only_that_write_not_its_group()
    {
        var system = Start();
        try
        {
            var poisoned = system.ActorOf(Props.Create(() => new Writer("poisoned")));
            var healthy = Enumerable.Range(0, 10).Select(i => system.ActorOf(Props.Create(() => new Writer($"healthy-{i}")))).ToArray();

            // Sent together so that the rejected write shares groups with valid ones.
            var replies = healthy.Select(actor => actor.Ask<string>(1, Timeout)).Append(poisoned.Ask<string>(new Poison(), Timeout))
                .Concat(healthy.Select(actor => actor.Ask<string>(2, Timeout))).ToArray();
            var answers = await Task.WhenAll(replies);

            answers.Count(a => a == "rejected").Should().Be(1);
            answers.Count(a => a == "ok").Should().Be(20);
            foreach (var actor in healthy)
            {
                (await actor.Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(1, 2);
            }

            // The rejected actor keeps working afterwards.
            (await poisoned.Ask<string>(3, Timeout)).Should().Be("ok");
        }
        finally
        {
            await system.Terminate();
        }

        var restarted = Start();
        try
        {
            (await restarted.ActorOf(Props.Create(() => new Writer("poisoned"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(3);
            (await restarted.ActorOf(Props.Create(() => new Writer("healthy-0"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(1, 2);
        }
        finally
        {
            await restarted.Terminate();
        }
    }

    [Fact]
    public async Task A_new_journal_file_gets_the_plugins_tables_and_indexes_and_an_existing_one_is_read_without_its_writer()
    {
        var system = Start();
        try
        {
            (await JournalOf(system).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).WriterStarted
                .Should().BeTrue("a file without the plugin's tables has them created before anything is read or written");
            (await system.ActorOf(Props.Create(() => new Writer("kept"))).Ask<string>(1, Timeout)).Should().Be("ok");
        }
        finally
        {
            await system.Terminate();
        }

        PluginObjects().Should().Contain(["journal", "tags", "snapshot", "journal_uq", "journal_created_idx", "snapshot_created_idx"]);
        SqlitePluginTables.ForJournal(JournalConfig()).Present.Should().BeTrue();
        SqlitePluginTables.ForJournal(JournalConfig()).Config.GetBoolean("auto-initialize").Should().BeFalse();
        SqlitePluginTables.ForSnapshotStore(SnapshotConfig()).GetBoolean("auto-initialize").Should().BeFalse();

        var restarted = Start();
        try
        {
            (await restarted.ActorOf(Props.Create(() => new Writer("kept"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(1);
            (await JournalOf(restarted).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).WriterStarted
                .Should().BeFalse("a recovery reads the file directly and needs no writer");

            (await restarted.ActorOf(Props.Create(() => new Writer("later"))).Ask<string>(2, Timeout)).Should().Be("ok");
            (await JournalOf(restarted).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).Should()
                .BeEquivalentTo(new { Writes = 1L, WriterStarted = true }, "the first write starts the writer and is acknowledged once committed");
        }
        finally
        {
            await restarted.Terminate();
        }

        var third = Start();
        try
        {
            (await third.ActorOf(Props.Create(() => new Writer("later"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(2);
        }
        finally
        {
            await third.Terminate();
        }
    }

    [Fact]
    public async Task A_journal_file_missing_one_of_the_plugins_indexes_is_initialised_by_the_plugin_again()
    {
        var system = Start();
        try
        {
            (await system.ActorOf(Props.Create(() => new Writer("kept"))).Ask<string>(1, Timeout)).Should().Be("ok");
        }
        finally
        {
            await system.Terminate();
        }

        // As if a crash had interrupted the plugin's first initialisation between two of its statements.
        Execute("DROP INDEX journal_created_idx; DROP INDEX snapshot_created_idx");
        SqlitePluginTables.ForJournal(JournalConfig()).Present.Should().BeFalse();
        SqlitePluginTables.ForSnapshotStore(SnapshotConfig()).GetBoolean("auto-initialize").Should().BeTrue();

        var restarted = Start();
        try
        {
            (await JournalOf(restarted).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).WriterStarted.Should().BeTrue();
            (await restarted.ActorOf(Props.Create(() => new Writer("kept"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(1);
        }
        finally
        {
            await restarted.Terminate();
        }

        PluginObjects().Should().Contain(["journal_created_idx", "snapshot_created_idx"]);
    }

    [Fact]
    public async Task By_default_the_writer_and_the_plugins_table_check_start_with_the_journal_on_an_existing_file()
    {
        var system = Start(writerOnDemand: false);
        try
        {
            (await system.ActorOf(Props.Create(() => new Writer("kept"))).Ask<string>(1, Timeout)).Should().Be("ok");
        }
        finally
        {
            await system.Terminate();
        }

        var defaults = NixHumanityConfig.Compose(Options(writerOnDemand: false));
        SqlitePluginTables.WriterOnDemand(defaults.GetConfig("akka.persistence.journal.sql")).Should().BeFalse();
        SqlitePluginTables.WriterOnDemand(defaults.GetConfig("akka.persistence.snapshot-store.sql")).Should().BeFalse();

        var restarted = Start(writerOnDemand: false);
        try
        {
            (await JournalOf(restarted).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).WriterStarted
                .Should().BeTrue("a host that writes starts the writer with the journal, not in front of its first write");
            (await restarted.ActorOf(Props.Create(() => new Writer("kept"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(1);
        }
        finally
        {
            await restarted.Terminate();
        }
    }

    private static IActorRef JournalOf(ActorSystem system) => Persistence.Instance.Apply(system).JournalFor(null);

    private NixHumanityOptions Options(bool writerOnDemand = true)
    {
        var options = new NixHumanityOptions { DataDirectory = _data.Path, JournalWriterOnDemand = writerOnDemand };
        options.Validate();
        return options;
    }

    private Config JournalConfig() => NixHumanityConfig.Compose(Options()).GetConfig("akka.persistence.journal.sql");

    private Config SnapshotConfig() => NixHumanityConfig.Compose(Options()).GetConfig("akka.persistence.snapshot-store.sql");

    private List<string> PluginObjects()
    {
        using var connection = SqliteJournalRows.Open(Options().EffectiveConnectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private void Execute(string sql)
    {
        using var connection = SqliteJournalRows.Open(Options().EffectiveConnectionString);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private ActorSystem Start(bool writerOnDemand = true)
    {
        var options = Options(writerOnDemand);
        NixHumanityConfig.PrepareStorage(options);
        var poison = ConfigurationFactory.ParseString($$"""
            akka.actor.serializers.poison = "{{typeof(PoisonSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(Poison).AssemblyQualifiedName}}" = poison }
            """);
        return ActorSystem.Create("group-commit", poison.WithFallback(NixHumanityConfig.Compose(options)));
    }

    /// <summary>A persistent actor that journals the integers it is sent and replies when each is durable.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        public const string GetValues = "values";
        private readonly List<int> _values = [];
        private IActorRef _requester = ActorRefs.Nobody;

        public Writer(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<int>(_values.Add);
            Command<int>(value =>
            {
                _requester = Sender;
                Persist(value, v =>
                {
                    _values.Add(v);
                    _requester.Tell("ok");
                });
            });
            Command<Poison>(poison =>
            {
                _requester = Sender;
                Persist(poison, _ => _requester.Tell("ok"));
            });
            Command<string>(query => query == GetValues, _ => Sender.Tell(_values.ToArray()));
        }

        public override string PersistenceId { get; }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) => _requester.Tell("rejected");
    }

    /// <summary>An event its serializer refuses.</summary>
    public sealed class Poison;

    /// <summary>Refuses every object, so the journal rejects the write that carries it.</summary>
    public sealed class PoisonSerializer(ExtendedActorSystem system) : Serializer(system)
    {
        public override int Identifier => 871_234;

        public override bool IncludeManifest => false;

        public override byte[] ToBinary(object obj) => throw new InvalidOperationException("poison cannot be serialized");

        public override object FromBinary(byte[] bytes, Type type) => throw new InvalidOperationException("poison cannot be read");
    }
}

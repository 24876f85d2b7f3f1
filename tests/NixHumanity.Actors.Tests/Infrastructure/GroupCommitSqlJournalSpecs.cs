using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Serialization;
using Akka.Streams;
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
    public async Task A_new_journal_file_gets_the_plugins_tables_and_indexes_and_writes_never_start_the_plugins_writer()
    {
        var system = Start();
        try
        {
            (await system.ActorOf(Props.Create(() => new Writer("kept"))).Ask<string>(1, Timeout)).Should().Be("ok");
            (await JournalOf(system).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).Should()
                .BeEquivalentTo(new { Writes = 1L, WriterStarted = false }, "the journal creates the tables and writes the rows itself");
        }
        finally
        {
            await system.Terminate();
        }

        PluginObjects().Should().Contain(
            ["journal", "tags", "snapshot", "journal_uq", "journal_created_idx", "journal_sequence_number_idx", "snapshot_created_idx"]);

        var restarted = Start();
        try
        {
            (await restarted.ActorOf(Props.Create(() => new Writer("kept"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(1);
            (await restarted.ActorOf(Props.Create(() => new Writer("later"))).Ask<string>(2, Timeout)).Should().Be("ok");
            (await JournalOf(restarted).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).Should()
                .BeEquivalentTo(new { Writes = 1L, WriterStarted = false }, "a write is acknowledged once committed, without the plugin's writer");
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
    public async Task A_journal_file_missing_one_of_the_plugins_indexes_gets_it_again()
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

        // As if a crash had interrupted the first initialisation between two of its statements.
        Execute("DROP INDEX journal_created_idx; DROP INDEX snapshot_created_idx");

        var restarted = Start();
        try
        {
            (await restarted.ActorOf(Props.Create(() => new Writer("kept"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(1);
        }
        finally
        {
            await restarted.Terminate();
        }

        PluginObjects().Should().Contain(["journal_created_idx", "snapshot_created_idx"]);
    }

    [Fact]
    public async Task The_plugins_read_journal_starts_and_reads_without_the_plugins_writer()
    {
        var system = Start();
        try
        {
            (await system.ActorOf(Props.Create(() => new Writer("read"))).Ask<string>(1, Timeout)).Should().Be("ok");

            // Creating the read journal asks the write journal whether it has initialized (the plugin waits 5 s at most).
            var ids = new List<string>();
            await PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
                .CurrentPersistenceIds()
                .RunForeach(ids.Add, system.Materializer())
                .WaitAsync(Timeout);

            ids.Should().Contain("read");
            (await JournalOf(system).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).WriterStarted.Should()
                .BeFalse("the tables exist from the journal's start: the plugin's question is answered without its writer");
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task A_delete_starts_the_plugins_writer_on_the_journals_own_tables_and_marks_the_events_deleted()
    {
        var system = Start();
        try
        {
            var writer = system.ActorOf(Props.Create(() => new Writer("pruned")));
            foreach (var value in new[] { 1, 2, 3 })
            {
                (await writer.Ask<string>(value, Timeout)).Should().Be("ok");
            }

            (await writer.Ask<string>(new DeleteUpTo(2), Timeout)).Should().Be("deleted");
            (await JournalOf(system).Ask<GroupCommitStats>(GetGroupCommitStats.Instance, Timeout)).WriterStarted.Should().BeTrue();
            (await writer.Ask<string>(4, Timeout)).Should().Be("ok", "writes go on after the plugin's writer has started");
        }
        finally
        {
            await system.Terminate();
        }

        var restarted = Start();
        try
        {
            (await restarted.ActorOf(Props.Create(() => new Writer("pruned"))).Ask<int[]>(Writer.GetValues, Timeout)).Should().Equal(3, 4);
        }
        finally
        {
            await restarted.Terminate();
        }
    }

    [Fact]
    public void A_connection_to_the_journal_file_syncs_every_commit_to_disk()
    {
        NixHumanityConfig.PrepareStorage(Options());
        using var connection = SqliteJournalRows.Open(Options().EffectiveConnectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        command.ExecuteScalar().Should().Be("wal");
        command.CommandText = "PRAGMA synchronous";

        // 2 = FULL: in WAL mode every commit is synced to disk before it returns, so an acknowledged event survives a
        // power loss, not only a killed process (NORMAL, 1, would not).
        ((long)command.ExecuteScalar()!).Should().BeGreaterThanOrEqualTo(2);
    }

    private static IActorRef JournalOf(ActorSystem system) => Persistence.Instance.Apply(system).JournalFor(null);

    private NixHumanityOptions Options()
    {
        var options = new NixHumanityOptions { DataDirectory = _data.Path };
        options.Validate();
        return options;
    }

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

    private ActorSystem Start()
    {
        var options = Options();
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
            Command<DeleteUpTo>(delete =>
            {
                _requester = Sender;
                DeleteMessages(delete.SequenceNr);
            });
            Command<DeleteMessagesSuccess>(_ => _requester.Tell("deleted"));
            Command<DeleteMessagesFailure>(failure => _requester.Tell($"not deleted: {failure.Cause.Message}"));
        }

        public override string PersistenceId { get; }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) => _requester.Tell("rejected");
    }

    /// <summary>Asks a <see cref="Writer"/> to delete its events up to a sequence number.</summary>
    private sealed record DeleteUpTo(long SequenceNr);

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

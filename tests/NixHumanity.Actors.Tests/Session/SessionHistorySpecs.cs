using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Streams;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Session;

/// <summary>
/// On SQLite the session history (stats, chart, export, the audit trail) reads the journal file directly (ADR 0035,
/// amendment): it must give exactly what the plugin's read journal gives on the same file — the same persistence ids,
/// the same events in the same order with the same sequence numbers, counted the same, and deleted events skipped.
/// </summary>
public sealed class SessionHistorySpecs : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_direct_reading_gives_what_the_plugins_read_journal_gives_after_deletes()
    {
        var system = Start();
        try
        {
            // ana: five events, one of them no session event, the first two deleted.
            var ana = Journal(system, SessionActor.PersistenceIdFor("ana"));
            await Persist(ana, new FlowStarted(0.7, At), new NotificationDelivered("n1", "mail", At.AddMinutes(1)),
                new NotASessionEvent("kept apart"), new FlowEnded(0.4, "interrupted", At, At.AddMinutes(2)),
                new NotificationDeferred("n2", "chat", At.AddMinutes(3)));
            (await ana.Ask<string>(new DeleteTo(2), Timeout)).Should().Be("deleted");
            // bo: every event deleted. A delete marks the rows (the last one at least stays in the table), which both
            // readers must skip.
            var bo = Journal(system, SessionActor.PersistenceIdFor("bo"));
            await Persist(bo, new FlowStarted(0.5, At), new FlowEnded(0.2, "tired", At, At.AddMinutes(5)));
            (await bo.Ask<string>(new DeleteTo(2), Timeout)).Should().Be("deleted");
            // cy: untouched; and a persistence id that is no session's.
            await Persist(Journal(system, SessionActor.PersistenceIdFor("cy")), new MetricImported("k1", "hrv", 61, At));
            await Persist(Journal(system, "learner-cy"), new FlowStarted(0.9, At));

            MarkedDeleted().Should().Contain(["session-ana:2", "session-bo:2"], "the cases the deleted flag decides are really in the file");
            var plugin = await PluginView(system, ["ana", "bo", "cy"]);

            (await SessionHistory.UserIdsAsync(system)).Should().BeEquivalentTo(plugin.Users, "the users are the plugin query's (which gives no order; the callers sort)");
            plugin.Users.Should().BeEquivalentTo(["ana", "cy"]);
            (await SessionHistory.EventCountsAsync(system)).Should().Equal(plugin.Counts);
            plugin.Counts["ana"].Should().Be(3);
            foreach (var user in new[] { "ana", "bo", "cy" })
            {
                (await SessionHistory.ReadAsync(system, user)).Should().Equal(plugin.Events[user], $"{user}'s events, in order");
                (await SessionHistory.ReadAsync(system, user, fromSequenceNr: 4)).Should().Equal(plugin.Events[user].Where(e => e.SequenceNr >= 4));
            }

            plugin.Events["ana"].Select(e => e.SequenceNr).Should().Equal(4, 5);
            plugin.Events["bo"].Should().BeEmpty();
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task A_journal_whose_table_is_not_created_yet_has_no_users()
    {
        var system = Start();
        try
        {
            (await SessionHistory.UserIdsAsync(system)).Should().BeEmpty();
            (await SessionHistory.EventCountsAsync(system)).Should().BeEmpty();
            (await SessionHistory.ReadAsync(system, "ana")).Should().BeEmpty();
        }
        finally
        {
            await system.Terminate();
        }
    }

    private ActorSystem Start()
    {
        var options = new NixHumanityOptions { DataDirectory = _data.Path };
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        return ActorSystem.Create("session-history", NixHumanityConfig.Compose(options));
    }

    /// <summary>The rows marked deleted in the journal file, as <c>persistence-id:sequence-number</c>.</summary>
    private List<string> MarkedDeleted()
    {
        using var connection = SqliteJournalRows.Open(new NixHumanityOptions { DataDirectory = _data.Path }.EffectiveConnectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id || ':' || sequence_number FROM journal WHERE deleted = 1";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static IActorRef Journal(ActorSystem system, string persistenceId) =>
        system.ActorOf(Props.Create(() => new Journaled(persistenceId)));

    private static async Task Persist(IActorRef journal, params object[] events)
    {
        foreach (var evt in events)
        {
            (await journal.Ask<string>(evt, Timeout)).Should().Be("ok");
        }
    }

    /// <summary>What the plugin's read journal gives: the reference the direct reading is held to.</summary>
    private static async Task<PluginResult> PluginView(ActorSystem system, string[] users)
    {
        var journal = await JournalReadiness.ReadJournalAsync(system);
        var prefix = SessionActor.PersistenceIdFor("");
        var ids = new List<string>();
        await journal.CurrentPersistenceIds().RunForeach(ids.Add, system.Materializer());
        var events = new Dictionary<string, List<JournaledSessionEvent>>();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            var envelopes = new List<EventEnvelope>();
            await journal.CurrentEventsByPersistenceId(SessionActor.PersistenceIdFor(user), 0, long.MaxValue)
                .RunForeach(envelopes.Add, system.Materializer());
            events[user] = envelopes.Where(e => e.Event is ISessionEvent).Select(e => new JournaledSessionEvent(e.SequenceNr, (ISessionEvent)e.Event)).ToList();
            if (ids.Contains(SessionActor.PersistenceIdFor(user)))
            {
                counts[user] = envelopes.Count;
            }
        }

        return new PluginResult(ids.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Select(id => id[prefix.Length..]).ToList(), counts, events);
    }

    private sealed record PluginResult(List<string> Users, SortedDictionary<string, long> Counts, Dictionary<string, List<JournaledSessionEvent>> Events);

    /// <summary>An event a session never persists.</summary>
    public sealed record NotASessionEvent(string Value);

    /// <summary>Deletes the events up to a sequence number.</summary>
    public sealed record DeleteTo(long SequenceNr);

    /// <summary>A persistent actor that journals what it is sent and deletes on request.</summary>
    private sealed class Journaled : ReceivePersistentActor
    {
        private IActorRef _requester = ActorRefs.Nobody;

        public Journaled(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<object>(_ => { });
            Command<DeleteTo>(delete =>
            {
                _requester = Sender;
                DeleteMessages(delete.SequenceNr);
            });
            Command<DeleteMessagesSuccess>(_ => _requester.Tell("deleted"));
            Command<DeleteMessagesFailure>(failure => _requester.Tell($"not deleted: {failure.Cause.Message}"));
            Command<object>(evt =>
            {
                var requester = Sender;
                Persist(evt, _ => requester.Tell("ok"));
            });
        }

        public override string PersistenceId { get; }
    }
}

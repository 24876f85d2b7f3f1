using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence.Sql.Journal;
using Akka.Persistence;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The embedded SQLite journal: Akka.Persistence.Sql's table and row format, written with group commit: the writes of all
/// persistent actors that arrive while one transaction is being written go into the next transaction together, so
/// many users writing at once cost one commit (one <c>fsync</c>) per group instead of one per event.
/// </summary>
/// <remarks>
/// <para>
/// Why: the plugin batches writes itself (<c>BatchWeighted</c> in front of its writer), but only while a write is in
/// flight asynchronously. Microsoft.Data.Sqlite completes every "async" call synchronously, so the writer stage is
/// never busy when the next write arrives, and every event became its own transaction: measured with 100 users, 2,049
/// <c>fsync</c> calls for 2,000 events and about 1,400 acknowledged events/s. This class forms the groups one step
/// earlier, in the journal actor, where writes do queue up while the previous group is on disk.
/// </para>
/// <para>
/// Since ADR 0045 the rows are written by <see cref="SqliteJournalWriter"/> (plain ADO.NET, the plugin's row format) and
/// read by <see cref="SqliteJournalRows"/> (ADR 0035); the plugin's own writer (linq2db, Akka.Streams) starts only for
/// a delete. PostgreSQL keeps the plugin's journal.
/// </para>
/// <para>
/// Guarantees are the plugin's: a write is acknowledged only after its group's transaction committed; each
/// <see cref="AtomicWrite"/> keeps its own rejection (e.g. a serialization failure rejects only that write). A
/// group is one transaction, so if the database refuses it, every write in it fails and those actors restart and
/// recover — exactly what the plugin's own batching does on servers whose drivers are truly asynchronous.
/// </para>
/// </remarks>
internal sealed class GroupCommitSqlJournal : SqlWriteJournal
{
    /// <summary>
    /// Most queued write calls (each one actor's batch of <see cref="AtomicWrite"/>s) put into one transaction; the
    /// rest wait for the next. Bounds a transaction's size when very many actors write at once.
    /// </summary>
    public const int MaxGroupSize = 500;

    /// <summary>Rows read per query of a recovery.</summary>
    public const int ReplayBatchSize = 1000;

    // Concurrent because the plugin base may read it from a circuit-breaker callback off the actor's thread.
    private readonly ConcurrentDictionary<string, Task> _unfinishedByPersistenceId = new(StringComparer.Ordinal);
    private readonly string _connectionString;
    private readonly string? _defaultSerializer;
    private List<PendingWrite> _waiting = [];
    private bool _writing;
    private long _groupsWritten;
    private long _writesCommitted;

    // Whether the plugin's writer (its linq2db data layer, write queue and Akka.Streams materializer) has been started:
    // only for what this class does not do itself (a delete).
    private bool _writerStarted;
    private SqliteJournalWriter? _writer;

    /// <summary>Creates the journal from its plugin configuration (<c>akka.persistence.journal.sql</c>).</summary>
    /// <param name="journalConfig">The plugin's HOCON section.</param>
    public GroupCommitSqlJournal(Akka.Configuration.Config journalConfig)
        : base(journalConfig)
    {
        _connectionString = journalConfig.GetString("connection-string", "");
        _defaultSerializer = journalConfig.GetString("serializer", null);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Creates the plugin's tables and indexes if the file lacks them (<see cref="SqlitePluginSchema"/>), and does not
    /// start the plugin's writer: writes and a recovery's reads are this class's own, in the plugin's row format
    /// (ADR 0045). The writer starts with the first message that needs it (a delete).
    /// </remarks>
    protected override void PreStart()
    {
        using (var connection = SqliteJournalRows.Open(_connectionString))
        {
            SqlitePluginSchema.EnsureCreated(connection, SqlitePluginSchema.Journal);
        }

        _writer = new SqliteJournalWriter(_connectionString, Context.System.Serialization, _defaultSerializer);
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (!_writerStarted && !IsAnsweredWithoutWriter(message))
        {
            // The plugin stashes what arrives while it starts and takes it in order once it has: this message first.
            StartWriter();
            Stash.Stash();
            return true;
        }

        return base.AroundReceive(receive, message);
    }

    /// <summary>
    /// What this class does itself, without the plugin's writer: writes, a recovery's reads (from the file), its own
    /// messages, and the plugin's question whether the journal has initialized.
    /// </summary>
    private static bool IsAnsweredWithoutWriter(object message) =>
        message is WriteMessages or ReplayMessages or GroupWritten or GetGroupCommitStats || IsPluginReadinessQuestion(message);

    /// <summary>
    /// The plugin's read journal, when it is created (<c>nixh stats</c>, <c>chart</c>, <c>export</c>: persistence
    /// query), asks its write journal whether it has initialized and waits at most 5 s for the answer. The tables exist
    /// once <see cref="PreStart"/> has run, and the plugin's own handler answers the question (<c>Initialized</c>)
    /// without its writer; starting the writer for it cost those verbs linq2db's start and, on a loaded machine, more
    /// than the 5 s: the verb failed with "no answer in time". The message type is internal to the plugin, hence the name.
    /// </summary>
    private static bool IsPluginReadinessQuestion(object message) =>
        message.GetType().FullName == "Akka.Persistence.Sql.Utility.IsInitialized";

    private void StartWriter()
    {
        _writerStarted = true;
        base.PreStart();
    }

    /// <inheritdoc />
    /// <remarks>Queues the write; it is written with the next group and completes when that group committed.</remarks>
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        RequestPathTrace.Mark("journal");
        var write = new PendingWrite(messages.ToList());
        if (write.Writes.Count == 0)
        {
            return Task.FromResult<IImmutableList<Exception>>(ImmutableList<Exception>.Empty);
        }

        _waiting.Add(write);
        foreach (var atomicWrite in write.Writes)
        {
            _unfinishedByPersistenceId[atomicWrite.PersistenceId] = write.Completion.Task;
        }

        if (!_writing)
        {
            WriteNextGroup();
        }

        return write.Completion.Task;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Waits for this persistence id's queued or unfinished writes first (whatever their outcome), so a restarted
    /// actor never reads a highest sequence number that a write still in flight is about to change.
    /// </remarks>
    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (_unfinishedByPersistenceId.TryGetValue(persistenceId, out var unfinished))
        {
            try
            {
                await unfinished.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Only completion matters here; the writer was told about the failure.
            }
        }

        // Read directly, as the replay below (ADR 0035).
        using var connection = SqliteJournalRows.Open(_connectionString);
        return SqliteJournalRows.HighestSequenceNr(connection, persistenceId, fromSequenceNr);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A recovery reads the journal file directly (<see cref="SqliteJournalRows"/>): the rows and the deserialization
    /// are the plugin's, without its linq2db query and Akka.Streams graph, which a verb in its own process paid for
    /// at its first recovery (ADR 0035). One batch of <see cref="ReplayBatchSize"/> rows at a time, so a long journal is
    /// never held in memory at once.
    /// </remarks>
    public override Task ReplayMessagesAsync(
        IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        using var connection = SqliteJournalRows.Open(_connectionString);
        var from = Math.Max(1, fromSequenceNr);
        var left = max;
        while (left > 0 && from <= toSequenceNr)
        {
            var rows = SqliteJournalRows.Read(connection, context.System.Serialization, persistenceId, from, toSequenceNr, Math.Min(left, ReplayBatchSize));
            foreach (var row in rows)
            {
                recoveryCallback(row);
            }

            if (rows.Count < Math.Min(left, ReplayBatchSize))
            {
                break;
            }

            left -= rows.Count;
            from = rows[^1].SequenceNr + 1;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override bool ReceivePluginInternal(object message)
    {
        switch (message)
        {
            case GroupWritten written:
                RequestPathTrace.Mark("group-written");
                Complete(written);
                WriteNextGroup();
                return true;
            case GetGroupCommitStats:
                Sender.Tell(new GroupCommitStats(_groupsWritten, _writesCommitted, _writerStarted));
                return true;
            default:
                return base.ReceivePluginInternal(message);
        }
    }

    private void WriteNextGroup()
    {
        if (_waiting.Count == 0)
        {
            _writing = false;
            return;
        }

        List<PendingWrite> group;
        if (_waiting.Count <= MaxGroupSize)
        {
            group = _waiting;
            _waiting = [];
        }
        else
        {
            group = _waiting.GetRange(0, MaxGroupSize);
            _waiting.RemoveRange(0, MaxGroupSize);
        }

        _writing = true;
        var all = new List<AtomicWrite>();
        foreach (var write in group)
        {
            all.AddRange(write.Writes);
        }

        var self = Self;
        var writer = _writer!;
        Task<IImmutableList<Exception>> result;
        try
        {
            // Serialized here, on the journal's thread (as the plugin does); written off it, so that the writes arriving
            // meanwhile queue up for the next group. Not any one caller's token: cancelling one write must not cancel
            // the others in its group.
            var serialized = writer.Serialize(all, DateTime.UtcNow.Ticks);
            RequestPathTrace.Mark("serialized");
            result = Task.Run(
                () =>
                {
                    RequestPathTrace.Mark("writing");
                    var rejections = writer.Write(serialized);
                    RequestPathTrace.Mark("committed");
                    return rejections;
                },
                CancellationToken.None);
        }
        catch (Exception ex)
        {
            result = Task.FromException<IImmutableList<Exception>>(ex);
        }

        result.ContinueWith(
            task => self.Tell(new GroupWritten(group, task)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Complete(GroupWritten written)
    {
        var task = written.Result;
        var total = written.Group.Sum(w => w.Writes.Count);
        var rejections = task.IsCompletedSuccessfully ? task.Result : null;
        if (task.IsCompletedSuccessfully && rejections is not null && rejections.Count != 0 && rejections.Count != total)
        {
            task = Task.FromException<IImmutableList<Exception>>(new InvalidOperationException(
                $"the journal returned {rejections.Count} write results for {total} writes"));
        }

        var offset = 0;
        foreach (var write in written.Group)
        {
            if (task.IsFaulted)
            {
                write.Completion.TrySetException(task.Exception!.InnerExceptions);
            }
            else if (task.IsCanceled)
            {
                write.Completion.TrySetCanceled();
            }
            else
            {
                write.Completion.TrySetResult(rejections is null || rejections.Count == 0
                    ? ImmutableList<Exception>.Empty
                    : rejections.Skip(offset).Take(write.Writes.Count).ToImmutableList());
            }

            offset += write.Writes.Count;
            foreach (var atomicWrite in write.Writes)
            {
                // Only if no later write of this actor replaced it meanwhile.
                _unfinishedByPersistenceId.TryRemove(new KeyValuePair<string, Task>(atomicWrite.PersistenceId, write.Completion.Task));
            }
        }

        if (task.IsCompletedSuccessfully)
        {
            _groupsWritten++;
            _writesCommitted += total;
        }
    }

    /// <summary>One call's writes and the task its caller awaits.</summary>
    private sealed class PendingWrite(List<AtomicWrite> writes)
    {
        public List<AtomicWrite> Writes { get; } = writes;

        public TaskCompletionSource<IImmutableList<Exception>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A group's transaction finished (successfully or not).</summary>
    private sealed record GroupWritten(List<PendingWrite> Group, Task<IImmutableList<Exception>> Result);
}

/// <summary>Asks a <see cref="GroupCommitSqlJournal"/> how many groups and writes it has committed.</summary>
internal sealed record GetGroupCommitStats
{
    /// <summary>The only instance.</summary>
    public static readonly GetGroupCommitStats Instance = new();
}

/// <summary>How many transactions (groups) and writes a <see cref="GroupCommitSqlJournal"/> has committed.</summary>
/// <param name="Groups">Committed transactions.</param>
/// <param name="Writes">Committed writes (<see cref="AtomicWrite"/>s) in them.</param>
/// <param name="WriterStarted">Whether the plugin's writer has been started (only for a delete: writes are the journal's
/// own).</param>
internal sealed record GroupCommitStats(long Groups, long Writes, bool WriterStarted);

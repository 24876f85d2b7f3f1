using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// Owner of the user's learning folder (<c>users/&lt;id&gt;/learner</c>): the DuckDB analytics projection of the
/// session journal (<c>analytics.duckdb</c>) and the preference tensor fragments (<c>fragments/</c>). Nobody else
/// opens them.
/// <para>
/// <b>Catch-up.</b> On (re)start it opens both stores and reads the session journal from the analytics checkpoint
/// + 1 with Akka persistence query, applying it in batches; live messages wait in the stash meanwhile
/// (Recovering → Ready). The checkpoint is written with the rows, so a crash anywhere leaves each event applied
/// exactly once, and a deleted <c>analytics.duckdb</c> is rebuilt from sequence number 1.
/// </para>
/// <para>
/// <b>Live.</b> Published events are collected and applied together in one transaction when the mailbox has
/// drained of them (a burst becomes one batch). A sequence gap (events published while this actor was down)
/// starts a catch-up again. A store failure throws, so the back-off supervisor restarts the actor, which catches up.
/// </para>
/// <para>
/// <b>Folding.</b> On a timer and on demand (<see cref="FoldPreferences"/>), the interactions after the fold
/// watermark are aggregated into running counters and a new fragment is written with the behaviour features
/// (384..767, <see cref="BehaviourFeatures"/>) and the preference direction (0..383, the success-weighted mean of
/// the command embeddings the memory actor sends on <see cref="GetCommandEmbeddings"/>); nothing new means nothing
/// written. After a fold it sends the memory actor the direction with per-command affinities
/// (<see cref="UpdatePreferences"/>, which re-ranks its search) and the likely next requests
/// (<see cref="WarmSuggestions"/>, whose results it pre-computes).
/// </para>
/// </summary>
public sealed class LearnerActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private const int CatchUpBatchSize = 1000;
    private const int MaxBiometricSamples = 1_000_000;
    private const int MaxSuggestions = 100;
    private const int WarmCount = 5;
    private static readonly TimeSpan MemoryTimeout = TimeSpan.FromSeconds(5);

    private readonly string _userId;
    private readonly string _folder;
    private readonly TimeSpan _foldInterval;
    private readonly TimeProvider _clock;
    private readonly IActorRef? _memory;
    private readonly int _tensorUser;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<JournaledSessionEvent> _pending = [];

    private AnalyticsStore? _analytics;
    private IPreferenceTensorStore? _tensor;
    private bool _flushScheduled;
    private long _eventsApplied;

    /// <summary>Creates the actor; see <see cref="Props"/>.</summary>
    public LearnerActor(string userId, string folder, TimeSpan foldInterval, TimeProvider clock, IActorRef? memory)
    {
        _userId = userId;
        _folder = folder;
        _foldInterval = foldInterval;
        _clock = clock;
        _memory = memory;
        _tensorUser = TensorUserOf(userId);
        Recovering();
    }

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private AnalyticsStore Analytics => _analytics ?? throw new InvalidOperationException("analytics store not open");

    private IPreferenceTensorStore Tensor => _tensor ?? throw new InvalidOperationException("tensor store not open");

    /// <summary>Props for a user's learner actor owning <paramref name="folder"/>.</summary>
    /// <param name="userId">The person.</param>
    /// <param name="folder">The learner folder.</param>
    /// <param name="foldInterval">How often pending interactions are folded into preferences.</param>
    /// <param name="clock">The clock that stamps fragments.</param>
    /// <param name="memory">The user's memory actor (its supervisor), asked for command embeddings and told the
    /// preferences and likely next requests; null folds behaviour features only.</param>
    public static Props Props(string userId, string folder, TimeSpan foldInterval, TimeProvider clock, IActorRef? memory = null) =>
        Akka.Actor.Props.Create(() => new LearnerActor(userId, folder, foldInterval, clock, memory));

    /// <summary>
    /// The user's coordinate in the tensor's <c>user_id</c> dimension (0..1,000,000): a stable FNV-1a hash of the
    /// id. Each user's fragments live in their own folder, so a collision could only matter if two users'
    /// fragments were ever merged into one tensor; the id stays in the folder name.
    /// </summary>
    /// <param name="userId">The person.</param>
    public static int TensorUserOf(string userId) => (int)(StableHash.Fnv1a(userId) % (ParquetTensorStore.MaxUserId + 1));

    /// <inheritdoc />
    protected override void PreStart()
    {
        Directory.CreateDirectory(_folder);
        _analytics = AnalyticsStore.Open(_folder, _clock);
        _tensor = ParquetTensorStore.Open(_folder);
        Timers.StartPeriodicTimer("fold", FoldTick.Instance, _foldInterval);
        StartCatchUp();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // Disposing closes the files so a restarted actor (or the next process) can open them.
        _tensor?.Dispose();
        _analytics?.Dispose();
        _tensor = null;
        _analytics = null;
    }

    private void StartCatchUp()
    {
        Become(Recovering);
        SessionJournalReplay.Start(Context, _userId, Analytics.Checkpoint, CatchUpBatchSize);
    }

    private void Recovering()
    {
        Receive<JournalReplayStarted>(_ => Sender.Tell(JournalReplayAck.Instance));
        Receive<JournalReplayBatch>(batch =>
        {
            _eventsApplied += Analytics.ApplyBatch(SessionEntries(batch.Items));
            Sender.Tell(JournalReplayAck.Instance);
        });
        Receive<JournalReplayCompleted>(_ =>
        {
            _log.Debug("Learner {0} caught up to {1}", _userId, Analytics.Checkpoint);
            Become(Ready);
            Stash.UnstashAll();
        });
        Receive<JournalReplayFailed>(failed => throw new InvalidOperationException($"learner catch-up of '{_userId}' failed", failed.Cause));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        Receive<SessionEventPublished>(Enqueue);
        Receive<FlushPending>(_ =>
        {
            _flushScheduled = false;
            Flush();
        });
        Receive<FoldTick>(_ => StartFold(null));
        Receive<FoldPreferences>(_ => StartFold(Sender));
        // Answers of the memory actor to what the learner told it: nothing to do, but worth a line when refused.
        Receive<PreferencesUpdated>(_ => { });
        Receive<SuggestionsWarmed>(_ => { });
        Receive<CommandRejected>(rejected => _log.Warning("Memory of {0} refused the learner's message: {1}", _userId, rejected.Message));
        Receive<TemporarilyUnavailable>(_ => _log.Debug("Memory of {0} was restarting; preferences go with the next fold", _userId));
        Receive<RunAnalyticsQuery>(query => Answer(Sender, () =>
        {
            var parsed = AnalyticsQueries.Parse(query.QueryName);
            return new AnalyticsRows(_userId, Analytics.Run(parsed));
        }));
        Receive<RecordBiometrics>(record => Answer(Sender, () => RecordBiometrics(record)));
        Receive<GetPreferences>(get => Answer(Sender, () => ReadPreferences(get)));
        Receive<SuggestNextCommands>(suggest => Answer(Sender, () => Suggest(suggest.Limit)));
        Receive<GetAnalyticsCounts>(_ => Answer(Sender, () =>
            new AnalyticsCounts(_userId, Analytics.Checkpoint, Analytics.FoldedThrough, Tensor.ListFragments().Count, Analytics.TableCounts())));
        Receive<ExportLearner>(export => Answer(Sender, () => WriteExport(export.Folder)));
        Receive<GetLearnerStatus>(_ => Answer(Sender, () => new ProjectionStatus("learner", _userId, Analytics.Checkpoint, _eventsApplied, _folder)));
        Receive<StopGracefully>(_ =>
        {
            Flush();
            Context.Stop(Self);
        });
        // A late batch of a catch-up stream that was replaced is acknowledged and ignored (its events are in the journal).
        Receive<JournalReplayStarted>(_ => Sender.Tell(JournalReplayAck.Instance));
    }

    /// <summary>The session events of a catch-up batch, as the analytics store applies them.</summary>
    private static List<JournaledSessionEvent> SessionEntries(IReadOnlyList<JournalItem> items)
    {
        var entries = new List<JournaledSessionEvent>(items.Count);
        foreach (var item in items)
        {
            // Only session events are analytics input (and the session journals nothing else).
            if (item.Event is ISessionEvent evt)
            {
                entries.Add(new JournaledSessionEvent(item.SequenceNr, evt));
            }
        }

        return entries;
    }

    private void Enqueue(SessionEventPublished published)
    {
        var last = _pending.Count > 0 ? _pending[^1].SequenceNr : Analytics.Checkpoint;
        if (published.SequenceNr <= last)
        {
            return;
        }

        if (published.SequenceNr > last + 1)
        {
            // Events were journaled while this actor was down (their publications were refused by the back-off
            // supervisor): read them, and this one, from the journal.
            Flush();
            StartCatchUp();
            return;
        }

        _pending.Add(new JournaledSessionEvent(published.SequenceNr, published.Event));
        if (!_flushScheduled)
        {
            // Everything already in the mailbox is handled before this message, so a burst is applied as one batch.
            _flushScheduled = true;
            Self.Tell(FlushPending.Instance);
        }
    }

    private void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // A failure here throws out of the handler: the actor stops, the supervisor restarts it and the restarted
        // actor reads these events from the journal again (the checkpoint did not move).
        _eventsApplied += Analytics.ApplyBatch(_pending);
        _pending.Clear();
    }

    /// <summary>
    /// Runs a request with pending events applied first (reads see every acknowledged write). Bad input is answered
    /// with <see cref="CommandRejected"/>; any other exception is a store failure and is rethrown.
    /// </summary>
    private void Answer(IActorRef? replyTo, Func<object> handle)
    {
        Flush();
        object reply;
        try
        {
            reply = handle();
        }
        catch (InvalidInputException invalid)
        {
            reply = invalid.Rejection;
        }

        if (replyTo is not null && !replyTo.IsNobody())
        {
            replyTo.Tell(reply);
        }
    }

    /// <summary>
    /// Prepares a fold; with a memory actor, asks it for the command embeddings first (stashing everything else until
    /// they arrive, so no event is applied between preparing and committing the fold).
    /// </summary>
    private void StartFold(IActorRef? replyTo)
    {
        Flush();
        var batch = PreferenceFold.Prepare(Analytics);
        if (batch is null)
        {
            Reply(replyTo, new FoldReport(_userId, false, 0, 0, Analytics.FoldedThrough, null, null, 0, false));
            return;
        }

        if (_memory is null)
        {
            Reply(replyTo, CompleteFold(batch, null));
            return;
        }

        var prepared = batch;
        _memory.Ask<object>(new GetCommandEmbeddings(_userId), MemoryTimeout)
            .PipeTo(Self, success: reply => new EmbeddingsArrived(prepared, replyTo, reply as CommandEmbeddings),
                failure: _ => new EmbeddingsArrived(prepared, replyTo, null));
        Become(() =>
        {
            Receive<EmbeddingsArrived>(arrived =>
            {
                // Without embeddings (memory restarting or slow) the fold still writes the behaviour features; the
                // direction is written by the next fold that gets them.
                var direction = arrived.Embeddings is null
                    ? null
                    : PreferenceDirection.Compute(arrived.Embeddings.Commands.Select(c => (c.Vector, c.Successes)));
                var report = CompleteFold(arrived.Batch, direction);
                TellMemory(direction);
                Reply(arrived.ReplyTo, report);
                Become(Ready);
                Stash.UnstashAll();
            });
            ReceiveAny(_ => Stash.Stash());
        });
    }

    private FoldReport CompleteFold(FoldBatch batch, float[]? direction)
    {
        var report = PreferenceFold.Complete(Analytics, Tensor, batch, _userId, _tensorUser, _clock.GetUtcNow(), direction);
        _log.Debug("Learner {0} folded {1} interactions into {2}", _userId, report.Interactions, report.Fragment);
        return report;
    }

    /// <summary>Sends the memory actor the new preferences and the likely next requests (before the fold is answered).</summary>
    private void TellMemory(float[]? direction)
    {
        if (_memory is null)
        {
            return;
        }

        if (direction is not null)
        {
            _memory.Tell(new UpdatePreferences(_userId, direction, Analytics.CommandAffinities()));
        }

        Analytics.UpdateTransitions();
        var likely = Analytics.PredictNext(WarmCount).Next.Select(n => n.Text).Distinct(StringComparer.Ordinal).ToList();
        if (likely.Count > 0)
        {
            _memory.Tell(new WarmSuggestions(_userId, likely));
        }
    }

    private static void Reply(IActorRef? replyTo, object reply)
    {
        if (replyTo is not null && !replyTo.IsNobody())
        {
            replyTo.Tell(reply);
        }
    }

    /// <summary>The analytics tables as Parquet and a copy of every preference fragment, under <c>learner/</c>.</summary>
    private Contracts.StoreExported WriteExport(string exportFolder)
    {
        var folder = Path.Combine(exportFolder, "learner");
        var counts = Analytics.ExportParquet(folder);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (table, meaning) in AnalyticsParquetExport.Tables)
        {
            files[$"learner/{table}.parquet"] = $"{meaning} ({counts[table]} rows)";
        }

        var fragments = Tensor.ListFragments();
        var fragmentFolder = Path.Combine(folder, ParquetTensorStore.FragmentsFolderName);
        Directory.CreateDirectory(fragmentFolder);
        foreach (var fragment in fragments)
        {
            File.Copy(Path.Combine(_folder, ParquetTensorStore.FragmentsFolderName, fragment.FileName), Path.Combine(fragmentFolder, fragment.FileName));
            files[$"learner/{ParquetTensorStore.FragmentsFolderName}/{fragment.FileName}"] =
                $"preference tensor fragment stamped {fragment.Stamp:O} ({fragment.Cells} cells: user_id, feature, time, seq, preference)";
        }

        return new Contracts.StoreExported("learner", files, new Dictionary<string, long>
        {
            ["analyticsInteractions"] = counts["interactions"],
            ["biometricSamples"] = counts["biometrics"],
            ["folds"] = counts["folds"],
            ["preferenceFragments"] = fragments.Count,
        });
    }

    private BiometricsRecorded RecordBiometrics(RecordBiometrics record)
    {
        if (record.Samples is null || record.Samples.Count == 0)
        {
            throw new InvalidInputException(new CommandRejected("samples", "must contain at least one sample"));
        }

        if (record.Samples.Count > MaxBiometricSamples)
        {
            throw new InvalidInputException(new CommandRejected("samples", $"must contain at most {MaxBiometricSamples:N0} samples per message"));
        }

        for (var i = 0; i < record.Samples.Count; i++)
        {
            if (!string.Equals(record.Samples[i].UserId, _userId, StringComparison.Ordinal))
            {
                throw new InvalidInputException(new CommandRejected($"samples[{i}].userId", $"must be the message's user '{_userId}'"));
            }
        }

        Analytics.AppendBiometrics(record.Samples);
        return new BiometricsRecorded(_userId, record.Samples.Count);
    }

    private Preferences ReadPreferences(GetPreferences get)
    {
        var asOf = get.AsOf is null ? _clock.GetUtcNow() : LearningInput.ParseTime("asOf", get.AsOf);
        if (asOf < DateTimeOffset.UnixEpoch || asOf.ToUnixTimeSeconds() > uint.MaxValue)
        {
            throw new InvalidInputException(new CommandRejected("asOf", "must be between 1970-01-01 and 2106-02-07"));
        }

        var features = get.Features is null ? FeatureRange.All : FeatureRange.Parse(get.Features);
        var cells = Tensor.Read(asOf, _tensorUser, features)
            .Select(v => new PreferenceCell(v.Feature, BehaviourFeatures.NameOf(v.Feature), v.Value, v.Time))
            .ToList();
        return new Preferences(_userId, asOf, features.ToString(), cells);
    }

    private NextCommands Suggest(int limit)
    {
        if (limit is < 1 or > MaxSuggestions)
        {
            throw new InvalidInputException(new CommandRejected("limit", $"must be between 1 and {MaxSuggestions}"));
        }

        Analytics.UpdateTransitions();
        var prediction = Analytics.PredictNext(limit);
        return new NextCommands(_userId, prediction.AfterCommand, prediction.Next);
    }

    private sealed record EmbeddingsArrived(FoldBatch Batch, IActorRef? ReplyTo, CommandEmbeddings? Embeddings);

    private sealed class FlushPending
    {
        public static readonly FlushPending Instance = new();
    }

    private sealed class FoldTick
    {
        public static readonly FoldTick Instance = new();
    }
}

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
/// <b>Projection.</b> A <see cref="ProjectionActor{TStore}"/> over the analytics store: catch-up from its checkpoint,
/// live events applied in batches, gaps and an unreadable file are handled there. The checkpoint is written with the
/// rows, so a crash anywhere leaves each event applied exactly once, and a deleted or set-aside
/// <c>analytics.duckdb</c> is rebuilt from sequence number 1. The fragments are not a projection of the journal (each
/// is stamped with the time of its fold) and stay as they are when the analytics store is rebuilt: the rebuilt store
/// starts with a fold watermark of 0, so the next fold folds the whole journal again into one fragment whose
/// cumulative values supersede the earlier ones from its stamp on, and reads at earlier times keep their history.
/// </para>
/// <para>
/// <b>Damaged fragments.</b> A fragment missing or changed since it was written (checked against the fragments'
/// manifest on open) sets the fragments folder aside; the learner then logs an error, writes a
/// <see cref="StoreRepairReport"/> (shown by <c>stats</c>) and rebuilds the tensor from its fold log
/// (<see cref="PreferenceRebuild"/>: every fold's behaviour features and preference direction at its own stamp), so
/// <see cref="GetPreferences"/> answers as before at every time. Only a direction the fold log does not hold (a
/// fold logged before directions were) is asked from the memory once more, before anything else is answered.
/// </para>
/// <para>
/// <b>Folding.</b> On a timer and on demand (<see cref="FoldPreferences"/>), the interactions after the fold
/// watermark are aggregated into running counters and a new fragment is written with the behaviour features
/// (d..d+383, <see cref="BehaviourFeatures"/>) and the preference direction (0..d-1, the success-weighted mean of
/// the command embeddings the memory actor sends on <see cref="GetCommandEmbeddings"/>), d being the embedder's
/// dimension (<see cref="PreferenceLayout"/>: 384..767 and 0..383 with the built-in embedders; fragments laid out
/// for another d are rebuilt from the fold log like damaged ones, without a repair report); nothing new means nothing
/// written. After a fold it sends the memory actor the direction with per-command affinities
/// (<see cref="UpdatePreferences"/>, which re-ranks its search) and the likely next requests
/// (<see cref="WarmSuggestions"/>, whose results it pre-computes).
/// </para>
/// </summary>
internal sealed partial class LearnerActor : ProjectionActor<AnalyticsStore>
{
    private const int MaxSuggestions = 100;
    private const int WarmCount = 5;

    /// <summary>
    /// How long the learner waits for the memory's command embeddings: for its answer, not for a clock. The memory
    /// always answers (with the embeddings, or <see cref="TemporarilyUnavailable"/> when it is restarting, fails or
    /// stops, and at once for a timer's fold while it catches up), so a fold waiting for a model that loads slowly on
    /// a busy machine is not cut off with no direction (docs/adr/0054; before, a fixed 5 s).
    /// </summary>
    private static readonly TimeSpan MemoryTimeout = Timeout.InfiniteTimeSpan;

    private readonly TimeSpan _foldInterval;
    private readonly IActorRef _memory;
    private readonly int _tensorUser;
    private readonly LikelyNextCache _likelyNext = new();
    private readonly PreferenceLayout _layout;
    private readonly string? _sharedStoreFolder;

    private IPreferenceTensorStore? _tensor;
    private FoldSchedule _schedule = FoldSchedule.Unknown;
    private DateTimeOffset? _directionOwedAt;
    private bool _foldOwed;
    private bool _restoringDirection;
    private bool _likelyNextRefreshScheduled;

    /// <summary>Creates the actor; see <see cref="Props(string, string, TimeSpan, ProjectionOptions, TimeProvider, IActorRef, int, string)"/>.</summary>
    internal LearnerActor(string userId, string folder, TimeSpan foldInterval, ProjectionOptions projections, TimeProvider clock, IActorRef memory, IJournalSource? journal,
        int directionDimensions = PreferenceLayout.DefaultDimensions, string? sharedStoreFolder = null)
        : base("learner", userId, folder, projections, clock, journal)
    {
        _layout = new PreferenceLayout(directionDimensions);
        _sharedStoreFolder = sharedStoreFolder;
        _foldInterval = foldInterval;
        _memory = memory;
        _tensorUser = TensorUserOf(userId);
    }


    /// <inheritdoc />
    protected override string StoreFileName => AnalyticsStore.FileName;

    /// <inheritdoc />
    protected override long Checkpoint => Store.Checkpoint;

    /// <inheritdoc />
    protected override (long SequenceNr, string? Fingerprint) StoredCheckpoint => (Store.Checkpoint, Store.CheckpointFingerprint);

    /// <summary>The tensor fragments were folded from the journal the analytics store followed.</summary>
    protected override IEnumerable<string> DerivedFromJournal =>
        [Path.Combine(StoreFolder, ParquetTensorStore.FragmentsFolderName), Path.Combine(StoreFolder, ParquetTensorStore.ManifestFileName)];

    private IPreferenceTensorStore Tensor => _tensor ?? throw new InvalidOperationException("tensor store not open");

    /// <summary>Props for a user's learner actor owning <paramref name="folder"/>.</summary>
    /// <param name="userId">The person.</param>
    /// <param name="folder">The learner folder.</param>
    /// <param name="foldInterval">How often pending interactions are folded into preferences.</param>
    /// <param name="projections">Catch-up batch size and progress logging.</param>
    /// <param name="clock">The clock that stamps fragments.</param>
    /// <param name="memory">The user's memory actor (its supervisor), asked for command embeddings and told the
    /// preferences and likely next requests.</param>
    /// <param name="directionDimensions">The embedder's dimension: the tensor's layout (<see cref="PreferenceLayout"/>).</param>
    /// <param name="sharedStoreFolder">The data directory's users folder: the learner's files attach to its learners'
    /// shared DuckDB instance, which closes with the node (docs/adr/0047, amendment 2); null: the process's instance.</param>
    public static Props Props(string userId, string folder, TimeSpan foldInterval, ProjectionOptions projections, TimeProvider clock, IActorRef memory,
        int directionDimensions = PreferenceLayout.DefaultDimensions, string? sharedStoreFolder = null) =>
        Props(userId, folder, foldInterval, projections, clock, memory, null, directionDimensions, sharedStoreFolder);

    /// <summary>Props reading catch-up events from <paramref name="journal"/> (specs).</summary>
    internal static Props Props(string userId, string folder, TimeSpan foldInterval, ProjectionOptions projections, TimeProvider clock, IActorRef memory,
        IJournalSource? journal, int directionDimensions = PreferenceLayout.DefaultDimensions, string? sharedStoreFolder = null, ProgressBoard? board = null) =>
        FactoryActorProducer<LearnerActor>.Props(() => new LearnerActor(userId, folder, foldInterval, projections, clock, memory, journal, directionDimensions, sharedStoreFolder) { Board = board });

    /// <summary>
    /// The user's coordinate in the tensor's <c>user_id</c> dimension (0..1,000,000): a stable FNV-1a hash of the
    /// id. Each user's fragments live in their own folder, so a collision could only matter if two users'
    /// fragments were ever merged into one tensor; the id stays in the folder name.
    /// </summary>
    /// <param name="userId">The person.</param>
    public static int TensorUserOf(string userId) => (int)(StableHash.Fnv1a(userId) % (ParquetTensorStore.MaxUserId + 1));

    /// <inheritdoc />
    protected override AnalyticsStore OpenStore()
    {
        var store = AnalyticsStore.Open(StoreFolder, Clock, _sharedStoreFolder);
        if (store.BiometricsSetAsideOnOpen is { } biometrics)
        {
            ReportBiometricsSetAside(biometrics);
        }

        return store;
    }

    /// <inheritdoc />
    protected override void OnStoreOpened()
    {
        _likelyNext.Clear();
        WithdrawLikelyNext();
        var tensor = ParquetTensorStore.Open(StoreFolder, Clock, _layout, _sharedStoreFolder);
        _tensor = tensor;
        if (tensor.Damage is { } damage)
        {
            RebuildTensor(tensor, damage);
        }

        // Another store (the durable one after the provisional, a rebuilt one): the first fold looks at it.
        _schedule = FoldSchedule.Unknown with { ConsolidationCheckAt = ConsolidationPolicy.NextCheck(tensor.ListFragments(), Clock.GetUtcNow()) };

        Timers.StartPeriodicTimer("fold", FoldTick.Instance, _foldInterval);
    }

    /// <inheritdoc />
    protected override void CheckpointStore() => Store.Flush();

    /// <inheritdoc />
    protected override void OnStoreClosing()
    {
        _likelyNext.Clear();
        WithdrawLikelyNext();
        _tensor?.Dispose();
        _tensor = null;
    }

    /// <inheritdoc />
    protected override void OnCaughtUp(long replayed)
    {
        base.OnCaughtUp(replayed);
        if (_foldOwed)
        {
            // The fold log was empty (the analytics store was rebuilt too): the next fold folds everything again.
            _foldOwed = false;
            Self.Tell(FoldTick.Instance);
        }

        if (_directionOwedAt is { } at)
        {
            // Everything but the answer is stashed until the direction is written (see WhenReady).
            _directionOwedAt = null;
            _restoringDirection = true;
            // Up to the latest fold's last interaction, like that fold's own request.
            _memory.Ask<object>(new GetCommandEmbeddings(UserId, Store.FoldedThrough), MemoryTimeout)
                .PipeTo(Self, success: reply => new DirectionArrived(at, reply as CommandEmbeddings, Unanswered(reply)), failure: ex => new DirectionArrived(at, null, ex.GetBaseException().Message));
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // Disposing closes the files so a restarted actor (or the next process) can open them.
        _tensor?.Dispose();
        _tensor = null;
        base.PostStop();
    }

    /// <inheritdoc />
    protected override void Apply(IReadOnlyList<JournaledSessionEvent> events)
    {
        Store.ApplyBatch(events);
        if (_likelyNext.Wanted && !_likelyNextRefreshScheduled)
        {
            // Behind what is already queued, so a burst is read once; a request arriving first reads it itself.
            _likelyNextRefreshScheduled = true;
            Self.Tell(RefreshLikelyNext.Instance);
        }
    }

    /// <inheritdoc />
    protected override void WhenReady()
    {
        Receive<DirectionArrived>(RestoreDirection);
        Receive<object>(_ => _restoringDirection, _ => Stash.Stash());
        ReceiveRequest<RefreshLikelyNext>(_ =>
        {
            _likelyNextRefreshScheduled = false;
            if (_likelyNext.IsStale(Checkpoint))
            {
                PublishLikelyNext(_likelyNext.Refresh(Store, Checkpoint));
            }
        });
        Receive<FoldTick>(_ => StartFold(null));
        // A fold's embeddings arriving after a catch-up from the journal left the folding state.
        Receive<EmbeddingsArrived>(CompleteFold);
        Receive<FoldPreferences>(_ => StartFold(Sender));
        // Answers of the memory actor to what the learner told it: nothing to do, but worth a line when refused.
        Receive<PreferencesUpdated>(_ => { });
        Receive<SuggestionsWarmed>(_ => { });
        Receive<CommandRejected>(rejected => Log.Warning("Memory of {0} refused the learner's message: {1}", UserId, rejected.Message));
        Receive<TemporarilyUnavailable>(_ => Log.Debug("Memory of {0} was restarting; preferences go with the next fold", UserId));
        Answer<RunAnalyticsQuery>(query => AnalyticsRows.Read(Store, UserId, AnalyticsQueries.Parse(query.QueryName)));
        Answer<RecordBiometrics>(RecordBiometrics);
        Answer<RestoreBiometrics>(restore =>
        {
            EnsureDurableStore();
            return new BiometricsRestored(UserId, Store.RestoreBiometrics(Path.Combine(restore.Folder, "learner", BiometricSeries.Table + ".parquet"), UserId));
        });
        Answer<GetPreferences>(ReadPreferences);
        Answer<SuggestNextCommands>(suggest => Suggest(suggest.Limit));
        Answer<GetAnalyticsCounts>(_ =>
        {
            // Counted before this request's own statements, so two answers in a row differ by a fixed amount.
            var statements = Store.Statements + Tensor.Statements;
            return new AnalyticsCounts(UserId, Store.Checkpoint, Store.FoldedThrough, Tensor.ListFragments().Count, Store.TableCounts(), statements);
        });
        Answer<ExportLearner>(export => LearnerExport.Write(Store, Tensor, StoreFolder, export.Folder));
    }

    // ---- damaged fragments --------------------------------------------------------------------------------------

    /// <summary>
    /// The fragments were found damaged and set aside: reported (error log and a <see cref="StoreRepairReport"/>) and
    /// rebuilt from the fold log, directions included; a direction the log lacks follows once the memory sends the
    /// command embeddings.
    /// </summary>
    private void RebuildTensor(ParquetTensorStore tensor, FragmentDamage damage)
    {
        var at = Clock.GetUtcNow();
        var rebuilt = PreferenceRebuild.Run(Store, tensor, _tensorUser, at);
        _directionOwedAt = rebuilt.DirectionOwedAt;
        _foldOwed = rebuilt.Folds == 0 && Store.FoldedThrough == 0;
        var what = rebuilt.Folds > 0
            ? $"rebuilt from the journal and the fold log: {rebuilt.Folds} logged folds replayed, {rebuilt.Directions} preference directions as logged"
              + (rebuilt.DirectionOwedAt is null ? "" : "; the latest direction was not logged and is asked from memory again")
            : "the fold log is empty: the next fold folds the whole journal again";
        if (damage.LayoutChanged)
        {
            // A new embedder dimension, not a fault: nothing to repair by hand.
            Log.Info("{0} of {1}: {2}; moved them to {3}; {4}", Component, UserId, string.Join("; ", damage.Problems), damage.SetAsideAs, what);
            return;
        }

        StoreRepairReports.Write(Folder, new StoreRepairReport(UserId, Component, ParquetTensorStore.FragmentsFolderName, damage.Problems, at, damage.SetAsideAs, what));
        Log.Error("{0} of {1}: PREFERENCE FRAGMENTS DAMAGED ({2}); moved them to {3}; {4}",
            Component, UserId, string.Join("; ", damage.Problems), damage.SetAsideAs, what);
    }

    /// <summary>
    /// <c>biometrics.duckdb</c> could not be opened and was moved aside: reported (error log and a
    /// <see cref="StoreRepairReport"/>). Its samples are not in the journal, so the new store starts empty.
    /// </summary>
    private void ReportBiometricsSetAside(BiometricsSetAside biometrics)
    {
        const string What = "a new, empty biometrics store: samples are not in the journal; restoring an export loads them back";
        try
        {
            StoreRepairReports.Write(StoreFolder, new StoreRepairReport(UserId, Component, BiometricSeries.FileName, [biometrics.Problem], biometrics.At, biometrics.SetAsideAs, What));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.Error(ex, "{0} of {1}: could not write the store-repair report", Component, UserId);
        }

        Log.Error("{0} of {1}: BIOMETRICS STORE UNUSABLE ({2}); moved it to {3}; {4}", Component, UserId, biometrics.Problem, biometrics.SetAsideAs, What);
    }

    private void RestoreDirection(DirectionArrived arrived)
    {
        if (arrived.Unavailable is { } unavailable)
        {
            Log.Warning("{0} of {1}: the memory could not send the command embeddings ({2})", Component, UserId, unavailable);
        }

        var direction = arrived.Embeddings is null
            ? null
            : PreferenceDirection.Compute(arrived.Embeddings.Commands.Select(c => (c.Vector, c.Successes)), _layout.DirectionDimensions);
        if (direction is null)
        {
            Log.Warning("{0} of {1}: no preference direction from memory; the next fold writes one", Component, UserId);
        }
        else
        {
            PreferenceRebuild.WriteDirection(Tensor, _tensorUser, direction, arrived.At, _layout);
            _schedule = _schedule with { ConsolidationCheckAt = ConsolidationPolicy.NextCheck(Tensor.ListFragments(), Clock.GetUtcNow()) };
        }

        _restoringDirection = false;
        Stash.UnstashAll();
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    private BiometricsRecorded RecordBiometrics(RecordBiometrics record)
    {
        BiometricRules.Check(UserId, record.Samples, Clock.GetUtcNow());
        // Samples are not journal events: the first one brings the learner's folder into being.
        EnsureDurableStore();
        Store.AppendBiometrics(record.Samples);
        return new BiometricsRecorded(UserId, record.Samples.Count);
    }

    private Preferences ReadPreferences(GetPreferences get)
    {
        var asOf = get.AsOf is null ? Clock.GetUtcNow() : LearningInput.ParseTime("asOf", get.AsOf);
        if (asOf < DateTimeOffset.UnixEpoch || asOf.ToUnixTimeSeconds() > uint.MaxValue)
        {
            throw new InvalidInputException(new CommandRejected("asOf", "must be between 1970-01-01 and 2106-02-07"));
        }

        var features = get.Features is null ? _layout.All : FeatureRange.Parse(get.Features, _layout.FeatureCount);
        var cells = Tensor.Read(asOf, _tensorUser, features)
            .Select(v => new PreferenceCell(v.Feature, BehaviourFeatures.NameOf(v.Feature, _layout), v.Value, v.Time))
            .ToList();
        return new Preferences(UserId, asOf, features.ToString(), cells);
    }

    private NextCommands Suggest(int limit)
    {
        if (limit is < 1 or > MaxSuggestions)
        {
            throw new InvalidInputException(new CommandRejected("limit", $"must be between 1 and {MaxSuggestions}"));
        }

        var prediction = _likelyNext.Get(Store, Checkpoint, limit);
        PublishLikelyNext(_likelyNext.Held!);
        return new NextCommands(UserId, prediction.AfterCommand, prediction.Next);
    }

    private sealed record DirectionArrived(DateTimeOffset At, CommandEmbeddings? Embeddings, string? Unavailable = null);

    private sealed class FoldTick
    {
        public static readonly FoldTick Instance = new();
    }

    /// <summary>Self-sent after new events were applied while a prediction is wanted: read it again now.</summary>
    private sealed class RefreshLikelyNext
    {
        public static readonly RefreshLikelyNext Instance = new();
    }
}

using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// Owner of the user's semantic memory: <c>users/&lt;id&gt;/memory/memory.duckdb</c> (a <see cref="VectorMemoryStore"/>)
/// and a reference to the system's embedder. Nobody else opens the store; the learner asks through messages.
/// </summary>
/// <remarks>
/// <para>
/// A <see cref="ProjectionActor{TStore}"/>: catch-up from the store's checkpoint, live events, gaps and an unreadable
/// file are handled there. When the store holds vectors of another embedder it is reset on start (and the stale
/// preferences deleted) and re-embedded from the journal <b>in the background</b>: the catch-up reads the events at the
/// pace of the chunks that embed and apply them, one per message, so requests are answered between chunks (docs/adr/0057)
/// (searches see the memories re-embedded so far, oldest first; new events queue behind the re-embedding). Progress is
/// logged every <see cref="ProjectionOptions.ProgressEvery"/> events, and a marker file beside the store
/// (<see cref="ReembeddingMarkerFileName"/>) keeps the re-embedding in the background across restarts until it is done.
/// </para>
/// <para>
/// <b>Applying events.</b> An <see cref="InteractionRecorded"/> with a command is embedded (its text: what the person
/// said, because searches are phrased the same way) and upserted with its sequence number; other events only move the
/// checkpoint. A batch is embedded with one call and upserted in one transaction (one table version).
/// </para>
/// <para>
/// <b>A model loaded on first use.</b> With a deferred embedder (the packaged all-MiniLM-L6-v2) the actor never waits
/// for the model to load (<see cref="ModelGate"/>): events to embed that arrive before it is loaded are held, unapplied
/// (the checkpoint stays, the journal has them), and the load is started in the background, at once when
/// <see cref="MemoryOptions.LoadModelForNewEvents"/> is set (a long-running host), else by the first search (the CLI,
/// whose <c>record</c> then never loads the model). Searches wait for the load, and so does an export while events are
/// held, and so does the learner's request for command embeddings when the commands of its fold are held (its direction must
/// include them; a timer's fold does not start the load in a verb's process); status and compaction do not (suggestion warming is skipped until the model is there).
/// </para>
/// <para>
/// <b>The shared embedding service.</b> Once caught up, live events with something to embed are sent to the actor
/// system's <see cref="EmbeddingService"/> (<see cref="MemoryOptions.SharedEmbedding"/>), which embeds the texts of
/// every memory of the process in one model call on a thread of its own. Until the vectors come back the events are
/// held unapplied like those waiting for the model (the checkpoint does not move, so a crash meanwhile replays them),
/// later events queue behind them, and requests keep being answered: status, compaction and the learner's requests at
/// once, searches and exports once the batch is applied (a search sees every event acknowledged before it). A failed
/// model call is asked again after a growing delay (0.1 s doubling up to 10 s); nothing is skipped; after a few in a
/// row what needs the embedder is answered unavailable at once until a call succeeds (docs/adr/0057). The records held
/// behind the batch with the service count against <see cref="ProjectionOptions.MaxLiveLag"/>, and a catch-up reads its
/// next journal batch only while at most one is held, so a memory behind its embedder holds about two batches and the
/// rest stays in the journal (docs/adr/0054).
/// </para>
/// <para>
/// <b>Requests.</b> Search (re-ranked by the learner's preferences, <see cref="MemoryRanking"/>; served from the
/// <see cref="SuggestionCache"/> when warmed), compaction, status, export and the learner protocol. Bad input is
/// answered with <see cref="CommandRejected"/> and changes nothing; any other failure is thrown, so the back-off
/// supervisor restarts the actor.
/// </para>
/// </remarks>
internal sealed partial class MemoryActor : ProjectionActor<VectorMemoryStore>
{
    /// <summary>File beside the store holding the learner's last preferences (a cache; the learner can resend them).</summary>
    public const string PreferencesFileName = "preferences.json";

    /// <summary>
    /// File beside the store that says a re-embedding for a new embedder is under way: it spans processes (each one
    /// continues from the store's checkpoint in the background) and is deleted when the last event is re-embedded.
    /// </summary>
    public const string ReembeddingMarkerFileName = "reembedding-in-progress";

    /// <summary>Results cached per warmed text; a search with a limit up to this is served from the cache.</summary>
    public const int WarmDepth = 20;

    private readonly MemorySettings _settings;
    private readonly IEmbedder _embedder;
    private PreferencesFile _preferencesFile = null!;
    private readonly MemoryRanking _ranking;
    private readonly SuggestionCache _suggestions = new();
    private readonly ModelGate _model;
    private readonly IActorRef? _embeddings;
    private readonly IAsyncEmbedder? _async;
    private List<string> _embeddingTexts = [];
    private long _embedRequest;
    private int _embedFailures;
    private bool _caughtUpOnce;
    private readonly List<(long UpTo, object Request, IActorRef Sender)> _waitingForBatch = [];
    private readonly HashSet<object> _releasedAfterBatch = new(ReferenceEqualityComparer.Instance);

    private MemoryPreferences? _preferences;
    private bool _reembedding;
    private bool _reembedInBackground;
    private bool _chunkScheduled;
    private long _reembedded;
    private long _nextReembedProgressAt;

    /// <summary>Creates the actor; see <see cref="Props(string, string, MemorySettings, ProjectionOptions, TimeProvider)"/>.</summary>
    internal MemoryActor(string userId, string folder, MemorySettings settings, ProjectionOptions projections, TimeProvider clock, IJournalSource? journal)
        : base("memory", userId, folder, projections, clock, journal)
    {
        _settings = settings;
        _embedder = settings.Embedder;
        // Queries go through the system's cache; what is recorded is embedded once anyway.
        _ranking = new MemoryRanking(userId, new CachedQueryEmbedder(_embedder, settings.QueryCache), settings.Options);
        _model = new ModelGate(_embedder);
        _embeddings = settings.Options.SharedEmbedding ? EmbeddingService.Get(Context.System).For(_embedder) : null;
        _async = _embedder as IAsyncEmbedder;
    }


    /// <inheritdoc />
    protected override string StoreFileName => VectorMemoryStore.FileName;

    /// <summary>The store's checkpoint, or the last event held for the model: held events count as taken in.</summary>
    protected override long Checkpoint => _model.LastHeld ?? Store.Checkpoint;

    /// <inheritdoc />
    protected override (long SequenceNr, string? Fingerprint) StoredCheckpoint => (Store.Checkpoint, Store.CheckpointFingerprint);

    /// <summary>The learner's preferences and a re-embedding in progress belong to the store they were made for.</summary>
    protected override IEnumerable<string> DerivedFromJournal => [Path.Combine(StoreFolder, PreferencesFileName), ReembeddingMarker];

    /// <inheritdoc />
    protected override string CatchUpActivity => _reembedding ? "re-embedded" : "caught up";

    /// <summary>Props for a user's memory actor owning <paramref name="folder"/>.</summary>
    /// <param name="userId">The person.</param>
    /// <param name="folder">The memory folder.</param>
    /// <param name="settings">The embedder and the ranking options.</param>
    /// <param name="projections">Catch-up batch size and progress logging.</param>
    /// <param name="clock">The clock (names of set-aside files).</param>
    public static Props Props(string userId, string folder, MemorySettings settings, ProjectionOptions projections, TimeProvider clock) =>
        Props(userId, folder, settings, projections, clock, null);

    /// <summary>Props reading catch-up events from <paramref name="journal"/> (specs).</summary>
    internal static Props Props(string userId, string folder, MemorySettings settings, ProjectionOptions projections, TimeProvider clock, IJournalSource? journal) =>
        Props(userId, folder, settings, projections, clock, journal, null);

    /// <summary>Props publishing the memory's status on the user's <paramref name="board"/> (docs/adr/0053).</summary>
    internal static Props Props(string userId, string folder, MemorySettings settings, ProjectionOptions projections, TimeProvider clock, IJournalSource? journal, ProgressBoard? board) =>
        FactoryActorProducer<MemoryActor>.Props(() => new MemoryActor(userId, folder, settings, projections, clock, journal) { Board = board });

    /// <inheritdoc />
    protected override VectorMemoryStore OpenStore() =>
        VectorMemoryStore.Open(
            Path.Combine(StoreFolder, VectorMemoryStore.FileName),
            _settings.Options.ToStoreOptions(_embedder.Id) with
            {
                Dimensions = _embedder.Dimensions,
                // The memories of one data directory share a DuckDB instance locked to its users' folder (docs/adr/0036);
                // a provisional store (in a scratch folder outside the data directory) keeps an instance of its own.
                SharedInstanceFolder = IsProvisional ? null : _settings.SharedStoreFolder,
            });

    /// <inheritdoc />
    protected override void CheckpointStore() => Store.Flush();

    /// <inheritdoc />
    protected override void OnStoreOpened()
    {
        // Beside the store wherever it is open (a provisional store's preferences are never written).
        _preferencesFile = new PreferencesFile(UserId, StoreFolder, _embedder, Clock, warning => Log.Warning("Memory of {0}: {1}", UserId, warning));
        if (Store.IsEmbedderMismatch(_embedder.Id))
        {
            var reset = Store.ResetForEmbedder(_embedder.Id);
            _reembedding = true;
            File.WriteAllText(ReembeddingMarker, $"{reset.PreviousEmbedderId} -> {reset.EmbedderId}");
            // Preferences live in the old embedder's space; they are meaningless now and the learner resends them.
            _preferencesFile.Delete();
            Log.Info(
                "Memory of {0}: the embedder changed from {1} to {2}; cleared {3} memories and re-embedding them from the journal in the background",
                UserId, reset.PreviousEmbedderId ?? "none", reset.EmbedderId, reset.MemoriesCleared);
        }

        _reembedInBackground = File.Exists(ReembeddingMarker);
        _nextReembedProgressAt = Options.ProgressEvery;
        _preferences = _preferencesFile.Load();
    }

    private string ReembeddingMarker => Path.Combine(StoreFolder, ReembeddingMarkerFileName);

    /// <inheritdoc />
    protected override void OnCaughtUp(long replayed)
    {
        if (_reembedInBackground)
        {
            Log.Info("Memory of {0}: read {1} journal events to re-embed in the background, {2} still to re-embed", UserId, replayed, _model.Count);
            ReembedNextOrFinish(journalRead: true);
        }
        else if (replayed > 0)
        {
            Log.Info("Memory of {0}: catching up done, {1} journal events applied; {2} memories at version {3}",
                UserId, replayed, Store.Count, Store.CurrentVersion);
        }

        _reembedding = false;
        _caughtUpOnce = true;
    }

    /// <inheritdoc />
    protected override void WhenReady()
    {
        Receive<ModelGate.ModelLoaded>(_ => ApplyHeld());
        Receive<ReembedNextChunk>(_ => ReembedChunk());
        ReceiveEmbedderAnswers();
        Receive<GetHeldEventsPeak>(_ => Sender.Tell(new HeldEventsPeak(_model.PeakHeld)));
        Receive<ModelGate.ModelLoadFailed>(failed => throw new InvalidOperationException(
            $"Memory of {UserId}: loading the embedder {_embedder.Id} failed: {failed.Cause.Message}", failed.Cause));
        ReceiveRequest<SearchMemory>(WhenModelLoaded(WhenEmbedded<SearchMemory>(Search)));
        Receive<QueryEmbedded>(arrived => Search(arrived.Query, arrived.Vector));
        Receive<QueryEmbeddingFailed>(QueryNotEmbedded);
        ReceiveRequest<CompactMemory>(WhenEmbedded<CompactMemory>(Compact));
        // The learner's fold needs the commands up to its last interaction: those still held for the model are waited
        // for (the load starts), those with the embedding service too (milliseconds). Answering without them wrote a
        // direction one fold late.
        ReceiveRequest<GetCommandEmbeddings>(WhenAppliedThrough(WhenEmbedded<GetCommandEmbeddings>(_ => Sender.Tell(ListCommandEmbeddings()))));
        ReceiveRequest<UpdatePreferences>(UpdatePreferences);
        ReceiveRequest<WarmSuggestions>(Warm);
        Receive<WarmTextsEmbedded>(arrived => Warm(arrived.Warm, arrived.Vectors));
        // The Parquet files are written off the actor; the reply follows when they are on disk. An export holds everything
        // recorded, so it waits for held events to be embedded.
        ReceiveRequest<ExportMemory>(WhenStoreComplete(WhenEmbedded<ExportMemory>(export => MemoryExport.Collect(Store).WriteAsync(export.Folder).PipeTo(Sender))));
    }

    private ProjectionStatus Status() =>
        new("memory", UserId, Store.Checkpoint, EventsApplied, Folder, Store.Count, Store.CurrentVersion, Store.EmbedderId ?? _embedder.Id);

    /// <inheritdoc />
    /// <remarks>
    /// A timer's fold asking for the command embeddings (<see cref="GetCommandEmbeddings.LoadModel"/> false) is answered
    /// at once too while the memory catches up after falling behind: the learner waits for the memory's answer without
    /// a clock (docs/adr/0054), and a catch-up paced by the embedder can take long. The answer says how far the memory
    /// has applied, and the learner writes no direction from it when that is short of the fold. A requested fold waits.
    /// </remarks>
    protected override object? ProgressReply(object request) => request switch
    {
        GetMemoryStatus => Status(),
        GetCommandEmbeddings { LoadModel: false } => ListCommandEmbeddings(),
        _ => null,
    };

    /// <inheritdoc />
    protected override ProjectionStatus? PublishableStatus() => Status();

    /// <summary>
    /// A status that has seen what was queued before it waits while the events taken in before it are with the
    /// embedding service, when they are at most one batch (<see cref="ProjectionOptions.ReplayBatchSize"/>) beyond the
    /// checkpoint: milliseconds, and the answer counts every record taken in before it. More than that, and the memory
    /// is behind its embedder: the status is answered at once with the checkpoint reached (docs/adr/0052), instead of
    /// after every batch held, which on an overloaded node took longer than callers waited.
    /// </summary>
    /// <inheritdoc />
    protected override void AnswerProgress(IProgressRequest request)
    {
        if (_model.Embedding && !_reembedInBackground && _embedderBroken is null && _model.LastHeld!.Value - Store.Checkpoint <= Options.ReplayBatchSize)
        {
            _waitingForBatch.Add((_model.LastHeld.Value, request, Sender));
            return;
        }

        Sender.Tell(Status());
    }

    /// <inheritdoc />
    protected override void Apply(IReadOnlyList<JournaledSessionEvent> events)
    {
        var interactions = Interactions(events);
        if (_reembedInBackground)
        {
            // Everything goes behind the events still to re-embed, in order; the chunks apply them (during the catch-up
            // too: it reads the next batch once they have applied all but one batch, docs/adr/0057).
            _model.Hold(events);
            ScheduleReembedChunk();
            return;
        }

        if (_model.TryHold(events, interactions.Count > 0))
        {
            if (_settings.Options.LoadModelForNewEvents && _model.ModelMissing)
            {
                _model.StartLoad(Self);
            }

            return;
        }

        // An asynchronous embedder is never waited for, during catch-up either (MemoryActor.AsyncEmbedder.cs).
        if (interactions.Count > 0 && ((_embeddings is not null && _caughtUpOnce) || _async is not null))
        {
            BeginEmbedding(events, interactions);
            return;
        }

        ApplyNow(events, interactions);
    }

    private static List<JournaledSessionEvent> Interactions(IEnumerable<JournaledSessionEvent> events) =>
        events.Where(e => e.Event is InteractionRecorded { Command: { } command } && !string.IsNullOrWhiteSpace(command)).ToList();

    private void StartLoadForNewEvents()
    {
        if (_settings.Options.LoadModelForNewEvents)
        {
            _model.StartLoad(Self);
        }
    }

    /// <summary>The model is loaded: applies the held events in catch-up-sized batches; waiting requests come next.</summary>
    private void ApplyHeld()
    {
        if (_reembedInBackground)
        {
            // Searches go ahead with the memories re-embedded so far; the chunks follow in the background.
            _model.ReleaseWaiting(Self);
            ScheduleReembedChunk();
            return;
        }

        // Live events buffered behind the held ones join them (the gate keeps holding while anything is held).
        ApplyPending();
        if (_model.Embedding)
        {
            // The service's answer applies the batch in flight and sends what is held behind it.
            return;
        }

        if (EmbedsOffThread)
        {
            if (_model.HeldCount > 0)
            {
                Log.Info("Memory of {0}: embedder {1} loaded; embedding {2} events held for it", UserId, _embedder.Id, _model.HeldCount);
            }

            EmbedNextHeld();
            return;
        }

        var held = _model.Release(Self);
        foreach (var batch in held.Chunk(Options.ReplayBatchSize))
        {
            ApplyNow(batch, Interactions(batch));
        }

        if (held.Count > 0)
        {
            Log.Info("Memory of {0}: embedder {1} loaded; applied {2} events held for it", UserId, _embedder.Id, held.Count);
        }
    }

    /// <summary>A handler that first waits for the model (starting its load) when it is not loaded or events are held for it.</summary>
    private Action<T> WhenModelLoaded<T>(Action<T> handler)
        where T : notnull => request =>
    {
        if (_model.ModelMissing || (_model.Holding && !_model.Embedding && !_reembedInBackground))
        {
            _model.Wait(request, Sender);
            _model.StartLoad(Self);
            return;
        }

        handler(request);
    };

    /// <summary>
    /// A handler for the learner's <see cref="GetCommandEmbeddings"/> that first waits for the model (starting its
    /// load) while events up to the fold's <see cref="GetCommandEmbeddings.Through"/> are held for it, unless nobody
    /// loads the model here (a verb's process, and a timer's fold that did not ask to). A background re-embedding is not
    /// waited for: the answer says how far it got and the learner writes no direction from it.
    /// </summary>
    private Action<GetCommandEmbeddings> WhenAppliedThrough(Action<GetCommandEmbeddings> handler) => request =>
    {
        if (Store.Checkpoint < request.Through && _model.Holding && !_model.Embedding && !_reembedInBackground
            && (request.LoadModel || _settings.Options.LoadModelForNewEvents))
        {
            _model.Wait(request, Sender);
            _model.StartLoad(Self);
            return;
        }

        handler(request);
    };

    /// <summary>A handler that waits for the model only while events are held (it reads every memory).</summary>
    private Action<T> WhenStoreComplete<T>(Action<T> handler)
        where T : notnull => request =>
    {
        if ((_model.Holding && !_model.Embedding) || _reembedInBackground)
        {
            // During a background re-embedding the last chunk releases it; otherwise the model's load does.
            _model.Wait(request, Sender);
            if (!_reembedInBackground || _model.ModelMissing)
            {
                _model.StartLoad(Self);
            }

            return;
        }

        handler(request);
    };
}

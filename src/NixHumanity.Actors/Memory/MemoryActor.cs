using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
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
/// preferences deleted) and re-embedded by the catch-up.
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
/// held; status, compaction and the learner's requests do not (suggestion warming is skipped until the model is there).
/// </para>
/// <para>
/// <b>Requests.</b> Search (re-ranked by the learner's preferences, <see cref="MemoryRanking"/>; served from the
/// <see cref="SuggestionCache"/> when warmed), compaction, status, export and the learner protocol. Bad input is
/// answered with <see cref="CommandRejected"/> and changes nothing; any other failure is thrown, so the back-off
/// supervisor restarts the actor.
/// </para>
/// </remarks>
public sealed class MemoryActor : ProjectionActor<VectorMemoryStore>
{
    /// <summary>File beside the store holding the learner's last preferences (a cache; the learner can resend them).</summary>
    public const string PreferencesFileName = "preferences.json";

    /// <summary>Results cached per warmed text; a search with a limit up to this is served from the cache.</summary>
    public const int WarmDepth = 20;

    private readonly MemorySettings _settings;
    private readonly IEmbedder _embedder;
    private readonly PreferencesFile _preferencesFile;
    private readonly MemoryRanking _ranking;
    private readonly SuggestionCache _suggestions = new();
    private readonly ModelGate _model;

    private MemoryPreferences? _preferences;
    private bool _reembedding;

    /// <summary>Creates the actor; see <see cref="Props(string, string, MemorySettings, ProjectionOptions, TimeProvider)"/>.</summary>
    internal MemoryActor(string userId, string folder, MemorySettings settings, ProjectionOptions projections, TimeProvider clock, IJournalSource? journal)
        : base("memory", userId, folder, projections, clock, journal)
    {
        _settings = settings;
        _embedder = settings.Embedder;
        _preferencesFile = new PreferencesFile(folder, _embedder, warning => Log.Warning("Memory of {0}: {1}", userId, warning));
        _ranking = new MemoryRanking(userId, _embedder, settings.Options);
        _model = new ModelGate(_embedder);
    }

    /// <inheritdoc />
    protected override string StoreFileName => VectorMemoryStore.FileName;

    /// <summary>The store's checkpoint, or the last event held for the model: held events count as taken in.</summary>
    protected override long Checkpoint => _model.LastHeld ?? Store.Checkpoint;

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
        FactoryActorProducer<MemoryActor>.Props(() => new MemoryActor(userId, folder, settings, projections, clock, journal));

    /// <inheritdoc />
    protected override VectorMemoryStore OpenStore() =>
        VectorMemoryStore.Open(Path.Combine(Folder, VectorMemoryStore.FileName), _settings.Options.ToStoreOptions());

    /// <inheritdoc />
    protected override void OnStoreOpened()
    {
        if (Store.IsEmbedderMismatch(_embedder.Id))
        {
            var reset = Store.ResetForEmbedder(_embedder.Id);
            _reembedding = true;
            // Preferences live in the old embedder's space; they are meaningless now and the learner resends them.
            _preferencesFile.Delete();
            Log.Info(
                "Memory of {0}: the embedder changed from {1} to {2}; cleared {3} memories and re-embedding them from the journal",
                UserId, reset.PreviousEmbedderId ?? "none", reset.EmbedderId, reset.MemoriesCleared);
        }

        _preferences = _preferencesFile.Load();
    }

    /// <inheritdoc />
    protected override void OnCaughtUp(long replayed)
    {
        if (replayed > 0)
        {
            Log.Info("Memory of {0}: {1} done, {2} journal events applied; {3} memories at version {4}",
                UserId, _reembedding ? "re-embedding" : "catching up", replayed, Store.Count, Store.CurrentVersion);
        }

        _reembedding = false;
    }

    /// <inheritdoc />
    protected override void WhenReady()
    {
        Receive<ModelGate.ModelLoaded>(_ => ApplyHeld());
        Receive<ModelGate.ModelLoadFailed>(failed => throw new InvalidOperationException(
            $"Memory of {UserId}: loading the embedder {_embedder.Id} failed: {failed.Cause.Message}", failed.Cause));
        ReceiveRequest<SearchMemory>(WhenModelLoaded<SearchMemory>(Search));
        ReceiveRequest<CompactMemory>(Compact);
        ReceiveRequest<GetMemoryStatus>(_ => Sender.Tell(new ProjectionStatus(
            "memory", UserId, Store.Checkpoint, EventsApplied, Folder, Store.Count, Store.CurrentVersion, Store.EmbedderId ?? _embedder.Id)));
        // The learner's fold uses what is embedded; commands still held join a later fold (it never waits for the model).
        ReceiveRequest<GetCommandEmbeddings>(_ => Sender.Tell(ListCommandEmbeddings()));
        ReceiveRequest<UpdatePreferences>(UpdatePreferences);
        ReceiveRequest<WarmSuggestions>(Warm);
        // The Parquet files are written off the actor; the reply follows when they are on disk. An export holds everything
        // recorded, so it waits for held events to be embedded.
        ReceiveRequest<ExportMemory>(WhenStoreComplete<ExportMemory>(export => MemoryExport.Collect(Store).WriteAsync(export.Folder).PipeTo(Sender)));
    }

    /// <inheritdoc />
    protected override void Apply(IReadOnlyList<JournaledSessionEvent> events)
    {
        var interactions = events.Where(e => e.Event is InteractionRecorded { Command: { } command } && !string.IsNullOrWhiteSpace(command)).ToList();
        if (_model.TryHold(events, interactions.Count > 0))
        {
            if (_settings.Options.LoadModelForNewEvents)
            {
                _model.StartLoad(Self);
            }

            return;
        }

        ApplyNow(events, interactions);
    }

    /// <summary>The model is loaded: applies the held events in catch-up-sized batches; waiting requests come next.</summary>
    private void ApplyHeld()
    {
        // Live events buffered behind the held ones join them (the gate keeps holding while anything is held).
        ApplyPending();
        var held = _model.Release(Self);
        foreach (var batch in held.Chunk(Options.ReplayBatchSize))
        {
            ApplyNow(batch, batch.Where(e => e.Event is InteractionRecorded { Command: { } command } && !string.IsNullOrWhiteSpace(command)).ToList());
        }

        if (held.Count > 0)
        {
            Log.Info("Memory of {0}: embedder {1} loaded; applied {2} events held for it", UserId, _embedder.Id, held.Count);
        }
    }

    /// <summary>A handler that first waits for the model (starting its load) when it is not loaded or events are held.</summary>
    private Action<T> WhenModelLoaded<T>(Action<T> handler)
        where T : notnull => request =>
    {
        if (_model.ModelMissing || _model.Holding)
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
        if (_model.Holding)
        {
            _model.Wait(request, Sender);
            _model.StartLoad(Self);
            return;
        }

        handler(request);
    };

    private void ApplyNow(IReadOnlyList<JournaledSessionEvent> events, List<JournaledSessionEvent> interactions)
    {
        if (interactions.Count > 0)
        {
            var vectors = _embedder.EmbedBatch(interactions.Select(e => ((InteractionRecorded)e.Event).Text).ToList());
            var records = interactions.Select((e, n) => (e.SequenceNr, ToRecord((InteractionRecorded)e.Event, vectors[n]))).ToList();
            try
            {
                Store.Upsert(records);
            }
            catch (InvalidInputException)
            {
                // One record cannot be remembered (e.g. a text without any usable feature embeds to the zero vector).
                // The batch changed nothing; apply the records one by one and skip the bad ones, or the actor would
                // fail on the same event after every restart.
                UpsertOneByOne(records);
            }

            _suggestions.Clear();
        }

        var last = events[^1].SequenceNr;
        if (last > Store.Checkpoint)
        {
            Store.AdvanceCheckpoint(last);
        }
    }

    private void UpsertOneByOne(List<(long SequenceNr, MemoryRecord Record)> records)
    {
        foreach (var (sequenceNr, record) in records)
        {
            try
            {
                Store.Upsert(sequenceNr, record);
            }
            catch (InvalidInputException ex)
            {
                Log.Warning("Memory of {0}: event #{1} is not remembered: {2}", UserId, sequenceNr, ex.Rejection.Message);
                Store.AdvanceCheckpoint(sequenceNr);
            }
        }
    }

    private MemoryRecord ToRecord(InteractionRecorded recorded, float[] vector) => new(
        recorded.Command!,
        recorded.Text,
        vector,
        _embedder.Id,
        recorded.At,
        recorded.Outcome switch
        {
            InteractionOutcome.Success => true,
            InteractionOutcome.Failure => false,
            _ => null,
        },
        recorded.Intent);

    // ---- requests ----------------------------------------------------------------------------------------------

    private void Search(SearchMemory query)
    {
        var rejection = InputRules.FirstOf(
            InputRules.RequiredText("query", query.Query),
            query.Limit is < 1 or > VectorMemoryStore.MaxK ? new CommandRejected("limit", $"must be between 1 and {VectorMemoryStore.MaxK}") : null,
            query.Where is not null && string.IsNullOrWhiteSpace(query.Where) ? new CommandRejected("where", "must not be blank when given") : null);
        if (rejection is not null)
        {
            Sender.Tell(rejection);
            return;
        }

        MemoryAsOf? asOf = null;
        if (query.AsOf is not null)
        {
            try
            {
                asOf = MemoryAsOf.Parse(query.AsOf);
            }
            catch (InvalidInputException ex)
            {
                Sender.Tell(ex.Rejection);
                return;
            }
        }

        try
        {
            Sender.Tell(_suggestions.TryServe(query, asOf) ?? _ranking.Search(Store, _preferences, query.Query, query.Limit, query.Where, asOf));
        }
        catch (InvalidInputException ex)
        {
            // The store validates vector, predicate and version before it reads anything and names the field it
            // rejects. Anything else it throws is a store failure and restarts the actor.
            Sender.Tell(AsSearchRejection(ex.Rejection));
        }
    }

    private void Compact(CompactMemory compact)
    {
        try
        {
            Sender.Tell(new MemoryCompacted(UserId, Store.Compact(compact.UpToVersion)));
        }
        catch (InvalidInputException ex)
        {
            Sender.Tell(ex.Rejection);
        }
    }

    private CommandEmbeddings ListCommandEmbeddings() => new(
        UserId,
        Store.EmbedderId ?? _embedder.Id,
        Store.CurrentVersion,
        Store.ListMemoryVectors()
            .Select(m => new CommandEmbedding(m.Memory.Id, m.Memory.Command, m.Vector, m.Memory.Attempts, m.Memory.Successes, m.Memory.SuccessRate, m.Memory.UserSatisfaction))
            .ToList());

    private void UpdatePreferences(UpdatePreferences update)
    {
        var (preferences, rejection) = MemoryPreferences.From(update, _embedder);
        if (preferences is null)
        {
            Sender.Tell(rejection!);
            return;
        }

        _preferencesFile.Save(preferences);
        _preferences = preferences;
        _suggestions.Clear();
        Sender.Tell(new PreferencesUpdated(UserId, preferences.Direction.Length, preferences.Affinity.Count));
    }

    private void Warm(WarmSuggestions warm)
    {
        if (ValidateWarm(warm) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        // Warming is only a cache: it never loads the model nor waits for it (the learner warms again after its next fold).
        if (_model.ModelMissing || _model.Holding)
        {
            Sender.Tell(new SuggestionsWarmed(UserId, 0, Store.CurrentVersion));
            return;
        }

        // The learner sends the current set of likely requests; it replaces the previous one.
        _suggestions.Warm(warm.LikelyNextTexts, text => _ranking.Search(Store, _preferences, text, WarmDepth, null, null));
        Sender.Tell(new SuggestionsWarmed(UserId, _suggestions.Count, Store.CurrentVersion));
    }

    private CommandRejected? ValidateWarm(WarmSuggestions warm)
    {
        if (warm.LikelyNextTexts is null)
        {
            return new CommandRejected("likelyNextTexts", "must be given");
        }

        if (warm.LikelyNextTexts.Count > _settings.Options.WarmCacheSize)
        {
            return new CommandRejected("likelyNextTexts", $"must hold at most {_settings.Options.WarmCacheSize} texts");
        }

        return InputRules.FirstOf(warm.LikelyNextTexts.Select((text, i) => InputRules.RequiredText($"likelyNextTexts[{i}]", text)).ToArray());
    }

    // The store calls the result count k; the message calls it limit.
    private static CommandRejected AsSearchRejection(CommandRejected rejection) =>
        rejection.Field == "k" ? rejection with { Field = "limit" } : rejection;
}

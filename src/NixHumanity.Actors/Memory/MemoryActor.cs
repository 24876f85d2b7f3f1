using System.Numerics.Tensors;
using System.Text.Json;
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
/// <b>Recovering → Ready.</b> On start it opens the store; when the store holds vectors of another embedder it is
/// reset and re-embedded from the journal. It then reads the session journal from the store's checkpoint + 1 with
/// Akka persistence query (back-pressured, in batches of <see cref="MemoryOptions.ReplayBatchSize"/> events, one
/// store transaction each) and stashes every other message until it has caught up, so a search never sees a
/// memory older than what the session acknowledged before the search was sent.
/// </para>
/// <para>
/// <b>Live events.</b> The session publishes each durable event (<see cref="SessionEventPublished"/>) before it
/// acknowledges the caller, so a search sent after the acknowledgement is queued behind the event (read-your-writes).
/// An <see cref="InteractionRecorded"/> with a command is embedded (its text: what the person said, because
/// searches are phrased the same way) and upserted with its sequence number; other events only move the checkpoint.
/// Events at or below the checkpoint are ignored (exactly once). A gap (an event published while this actor was
/// restarting and therefore lost) sends it back to catching up from the journal.
/// </para>
/// <para>
/// <b>Failures.</b> A store or journal failure is thrown, so the back-off supervisor restarts the actor, which
/// reopens the store and recovers from its checkpoint. Bad input is answered with <see cref="CommandRejected"/>
/// and changes nothing.
/// </para>
/// </remarks>
public sealed class MemoryActor : ReceiveActor, IWithUnboundedStash
{
    /// <summary>File beside the store holding the learner's last preferences (a cache; the learner can resend them).</summary>
    public const string PreferencesFileName = "preferences.json";

    /// <summary>Results cached per warmed text; a search with a limit up to this is served from the cache.</summary>
    public const int WarmDepth = 20;

    private readonly string _userId;
    private readonly string _folder;
    private readonly MemorySettings _settings;
    private readonly IEmbedder _embedder;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, (MemorySearched Response, bool Complete)> _warm = new(StringComparer.Ordinal);
    private readonly List<JournalItem> _pending = [];

    private VectorMemoryStore? _store;
    private Preferences? _preferences;
    private long _eventsApplied;
    private long _replayedThisRun;
    private long _nextProgressAt;
    private bool _reembedding;
    private long _gapCaughtUpFor = -1;

    /// <summary>Creates the actor; see <see cref="Props"/>.</summary>
    public MemoryActor(string userId, string folder, MemorySettings settings)
    {
        _userId = userId;
        _folder = folder;
        _settings = settings;
        _embedder = settings.Embedder;
        Recovering();
    }

    /// <summary>Set by Akka: messages held back while the memory catches up with the journal.</summary>
    public IStash Stash { get; set; } = null!;

    private VectorMemoryStore Store => _store ?? throw new InvalidOperationException("The memory store is not open.");

    /// <summary>Props for a user's memory actor owning <paramref name="folder"/>.</summary>
    public static Props Props(string userId, string folder, MemorySettings settings) =>
        Akka.Actor.Props.Create(() => new MemoryActor(userId, folder, settings));

    /// <inheritdoc />
    protected override void PreStart()
    {
        Directory.CreateDirectory(_folder);
        _store = OpenStore();
        if (_store.IsEmbedderMismatch(_embedder.Id))
        {
            var reset = _store.ResetForEmbedder(_embedder.Id);
            _reembedding = true;
            // Preferences live in the old embedder's space; they are meaningless now and the learner resends them.
            DeletePreferences();
            _log.Info(
                "Memory of {0}: the embedder changed from {1} to {2}; cleared {3} memories and re-embedding them from the journal",
                _userId, reset.PreviousEmbedderId ?? "none", reset.EmbedderId, reset.MemoriesCleared);
        }

        _preferences = LoadPreferences();
        StartCatchUp();
    }

    /// <summary>
    /// Opens the store. A file that is not a DuckDB database or has an incompatible schema is only a projection: it is
    /// set aside (renamed, never deleted) and rebuilt from the journal. Any other failure (a lock held by another
    /// process, a full disk) is thrown, and the back-off supervisor tries again later.
    /// </summary>
    private VectorMemoryStore OpenStore()
    {
        var path = Path.Combine(_folder, VectorMemoryStore.FileName);
        try
        {
            return VectorMemoryStore.Open(path, _settings.Options.ToStoreOptions());
        }
        catch (Exception ex) when (StoreFaults.IsUnreadable(ex, path))
        {
            var aside = $"{path}.unreadable-{DateTime.UtcNow:yyyyMMddTHHmmssfff}";
            File.Move(path, aside);
            if (File.Exists(path + ".wal"))
            {
                File.Move(path + ".wal", aside + ".wal");
            }

            _log.Warning("Memory of {0}: {1} is unreadable ({2}); moved it to {3} and rebuilding from the journal", _userId, path, ex.Message, aside);
            return VectorMemoryStore.Open(path, _settings.Options.ToStoreOptions());
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _store?.Dispose();
        _store = null;
    }

    // ---- states ------------------------------------------------------------------------------------------------

    private void Recovering()
    {
        Receive<JournalReplayStarted>(_ => Sender.Tell(JournalReplayAck.Instance));
        Receive<JournalReplayBatch>(batch =>
        {
            Apply(batch.Items);
            _replayedThisRun += batch.Items.Count;
            if (_replayedThisRun >= _nextProgressAt)
            {
                _log.Info("Memory of {0}: {1} {2} journal events (up to #{3})",
                    _userId, _reembedding ? "re-embedded" : "caught up", _replayedThisRun, batch.Items[^1].SequenceNr);
                _nextProgressAt += _settings.Options.ProgressEvery;
            }

            Sender.Tell(JournalReplayAck.Instance);
        });
        Receive<JournalReplayCompleted>(_ =>
        {
            if (_replayedThisRun > 0)
            {
                _log.Info("Memory of {0}: {1} done, {2} journal events applied; {3} memories at version {4}",
                    _userId, _reembedding ? "re-embedding" : "catching up", _replayedThisRun, Store.Count, Store.CurrentVersion);
            }

            _reembedding = false;
            Become(Ready);
            Stash.UnstashAll();
        });
        Receive<JournalReplayFailed>(failed =>
            throw new InvalidOperationException($"Memory of {_userId}: reading the journal failed: {failed.Cause.Message}", failed.Cause));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        Receive<SessionEventPublished>(ApplyLive);
        Receive<FlushLive>(_ => Flush());
        // Every other message first applies the live events buffered before it, so it sees all of them.
        AfterFlush<SearchMemory>(Search);
        AfterFlush<CompactMemory>(Compact);
        AfterFlush<GetMemoryStatus>(_ => Sender.Tell(new ProjectionStatus(
            "memory", _userId, Store.Checkpoint, _eventsApplied, _folder, Store.Count, Store.CurrentVersion, Store.EmbedderId ?? _embedder.Id)));
        AfterFlush<GetCommandEmbeddings>(_ => Sender.Tell(ListCommandEmbeddings()));
        AfterFlush<UpdatePreferences>(UpdatePreferences);
        AfterFlush<WarmSuggestions>(Warm);
        AfterFlush<ExportMemory>(Export);
        AfterFlush<StopGracefully>(_ => Context.Stop(Self));
    }

    /// <summary>
    /// Copies the live memories and the version list out of the store here (the owner's thread), then writes the
    /// Parquet files off the actor and replies when they are on disk.
    /// </summary>
    private void Export(ExportMemory export)
    {
        var rows = Store.ListMemoryVectors().Select(m => new ExportedMemoryRow
        {
            Id = m.Memory.Id,
            Command = m.Memory.Command,
            Text = m.Memory.Text,
            Intent = m.Memory.Intent,
            Attempts = m.Memory.Attempts,
            Successes = m.Memory.Successes,
            SuccessRate = m.Memory.SuccessRate,
            UserSatisfaction = m.Memory.UserSatisfaction,
            Confidence = m.Memory.Confidence,
            Embedder = m.Memory.EmbedderId,
            SequenceNr = m.Memory.SequenceNr,
            CreatedAt = m.Memory.CreatedAt.UtcDateTime,
            UpdatedAt = m.Memory.UpdatedAt.UtcDateTime,
            Vector = m.Vector,
        }).ToList();
        var versions = Store.ListVersions().Select(v => new ExportedMemoryVersion
        {
            Version = v.Version, CreatedAt = v.CreatedAt.UtcDateTime, Description = v.Description, SequenceNr = v.SequenceNr, RowsWritten = v.RowsWritten,
        }).ToList();
        var folder = Path.Combine(export.Folder, "memory");
        WriteExportAsync(folder, rows, versions).PipeTo(Sender);
    }

    private static async Task<StoreExported> WriteExportAsync(string folder, List<ExportedMemoryRow> rows, List<ExportedMemoryVersion> versions)
    {
        await ParquetFile.WriteAsync(rows, Path.Combine(folder, "command_embeddings.parquet")).ConfigureAwait(false);
        await ParquetFile.WriteAsync(versions, Path.Combine(folder, "versions.parquet")).ConfigureAwait(false);
        return new StoreExported(
            "memory",
            new Dictionary<string, string>
            {
                ["memory/command_embeddings.parquet"] = $"remembered commands with statistics and 384-d embeddings ({rows.Count} rows)",
                ["memory/versions.parquet"] = $"the memory table's versions (time travel) ({versions.Count} rows)",
            },
            new Dictionary<string, long> { ["memories"] = rows.Count, ["memoryVersions"] = versions.Count });
    }

    private void AfterFlush<T>(Action<T> handler) => Receive<T>(message =>
    {
        Flush();
        handler(message);
    });

    private void StartCatchUp()
    {
        _replayedThisRun = 0;
        _nextProgressAt = _settings.Options.ProgressEvery;
        SessionJournalReplay.Start(Context, _userId, Store.Checkpoint, _settings.Options.ReplayBatchSize);
        Become(Recovering);
    }

    // ---- projection --------------------------------------------------------------------------------------------

    /// <summary>
    /// Buffers a live event and applies the buffer when the actor next finds its mailbox without more events (a
    /// <see cref="FlushLive"/> marker queued behind them), before any other message, or at
    /// <see cref="MemoryOptions.ReplayBatchSize"/> events. A burst of recordings (a fast session, an import) thus
    /// becomes one store transaction instead of one per event (measured ≈ 8–9 ms each on the shared test machine),
    /// so the memory keeps up with the session. Events buffered when the actor stops are replayed from the journal.
    /// </summary>
    private void ApplyLive(SessionEventPublished published)
    {
        var checkpoint = _pending.Count > 0 ? _pending[^1].SequenceNr : Store.Checkpoint;
        if (published.SequenceNr <= checkpoint)
        {
            return;
        }

        // Every durable event is published, so the next one must follow the checkpoint. A gap means events were
        // published while this actor was down; they are in the journal, so catch up first and then handle this one.
        // If the journal still lacks them after that (it cannot, short of deleted events), apply it anyway rather
        // than loop.
        if (published.SequenceNr > checkpoint + 1 && _gapCaughtUpFor != published.SequenceNr)
        {
            _gapCaughtUpFor = published.SequenceNr;
            _log.Warning("Memory of {0}: event #{1} arrived after checkpoint #{2}; catching up from the journal", _userId, published.SequenceNr, checkpoint);
            Flush();
            Stash.Stash();
            StartCatchUp();
            return;
        }

        _pending.Add(new JournalItem(published.SequenceNr, published.Event));
        if (_pending.Count >= _settings.Options.ReplayBatchSize)
        {
            Flush();
        }
        else if (_pending.Count == 1)
        {
            Self.Tell(FlushLive.Instance);
        }
    }

    private void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var batch = _pending.ToList();
        _pending.Clear();
        Apply(batch);
    }

    private void Apply(IReadOnlyList<JournalItem> items)
    {
        var store = Store;
        var fresh = items.Where(i => i.SequenceNr > store.Checkpoint).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        var interactions = fresh
            .Where(i => i.Event is InteractionRecorded { Command: { } command } && !string.IsNullOrWhiteSpace(command))
            .ToList();
        if (interactions.Count > 0)
        {
            var vectors = _embedder.EmbedBatch(interactions.Select(i => ((InteractionRecorded)i.Event).Text).ToList());
            var records = interactions.Select((item, n) => (item.SequenceNr, ToRecord((InteractionRecorded)item.Event, vectors[n]))).ToList();
            try
            {
                store.Upsert(records);
            }
            catch (InvalidInputException)
            {
                // One record cannot be remembered (e.g. a text without any usable feature embeds to the zero vector).
                // The batch changed nothing; apply the records one by one and skip the bad ones, or the actor would
                // fail on the same event after every restart.
                UpsertOneByOne(records);
            }

            _warm.Clear();
        }

        var last = fresh[^1].SequenceNr;
        if (last > store.Checkpoint)
        {
            store.AdvanceCheckpoint(last);
        }

        _eventsApplied += fresh.Count;
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
                _log.Warning("Memory of {0}: event #{1} is not remembered: {2}", _userId, sequenceNr, ex.Rejection.Message);
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

    // ---- queries and commands ----------------------------------------------------------------------------------

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

        if (query.Where is null && asOf is null && _warm.TryGetValue(CacheKey(query.Query), out var cached) &&
            (query.Limit <= WarmDepth || cached.Complete))
        {
            var response = cached.Response;
            Sender.Tell(response with { Query = query.Query, FromCache = true, Results = response.Results.Take(query.Limit).ToList() });
            return;
        }

        try
        {
            Sender.Tell(RunSearch(query.Query, query.Limit, query.Where, asOf));
        }
        catch (InvalidInputException ex)
        {
            // The store validates vector, predicate and version before it reads anything and names the field it
            // rejects. Anything else it throws is a store failure and restarts the actor.
            Sender.Tell(AsSearchRejection(ex.Rejection));
        }
    }

    private MemorySearched RunSearch(string text, int limit, string? where, MemoryAsOf? asOf)
    {
        var preferences = _settings.Options.PreferenceWeight > 0 ? _preferences : null;
        // Preferences re-rank: fetch more candidates than asked so a well-aligned memory just below the cut can rise.
        var fetch = preferences is null ? limit : Math.Min(VectorMemoryStore.MaxK, Math.Max(limit * 4, limit + 32));
        var response = Store.Search(_embedder.Embed(text), fetch, where, asOf);
        IEnumerable<MemoryHit> hits = response.Results.Select(r =>
        {
            if (preferences is null)
            {
                return new MemoryHit(r.Id, r.Command, r.Text, r.Intent, r.Score, r.Similarity, r.SuccessRate, r.UserSatisfaction, r.Attempts, null);
            }

            // The live vector is used even for time travel: preferences are about the person now.
            var vector = Store.LiveVector(r.Id);
            var alignment = vector.IsEmpty ? 0 : TensorPrimitives.Dot(vector, preferences.Direction);
            var affinity = preferences.Affinity.GetValueOrDefault(r.Command);
            var score = r.Score + (_settings.Options.PreferenceWeight * (alignment + affinity));
            return new MemoryHit(r.Id, r.Command, r.Text, r.Intent, score, r.Similarity, r.SuccessRate, r.UserSatisfaction, r.Attempts, alignment);
        });
        if (preferences is not null)
        {
            hits = hits.OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal);
        }

        return new MemorySearched(_userId, text, response.Version, response.Strategy, false, hits.Take(limit).ToList());
    }

    private void Compact(CompactMemory compact)
    {
        try
        {
            Sender.Tell(new MemoryCompacted(_userId, Store.Compact(compact.UpToVersion)));
        }
        catch (InvalidInputException ex)
        {
            Sender.Tell(ex.Rejection);
        }
    }

    private CommandEmbeddings ListCommandEmbeddings() => new(
        _userId,
        Store.EmbedderId ?? _embedder.Id,
        Store.CurrentVersion,
        Store.ListMemoryVectors()
            .Select(m => new CommandEmbedding(m.Memory.Id, m.Memory.Command, m.Vector, m.Memory.Attempts, m.Memory.Successes, m.Memory.SuccessRate, m.Memory.UserSatisfaction))
            .ToList());

    private void UpdatePreferences(UpdatePreferences update)
    {
        if (ValidatePreferences(update) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        var direction = update.Direction.ToArray();
        var norm = TensorPrimitives.Norm(direction);
        TensorPrimitives.Divide(direction, norm, direction);
        var affinity = (update.CommandAffinity ?? new Dictionary<string, double>())
            .ToDictionary(kv => kv.Key.Trim(), kv => kv.Value, StringComparer.Ordinal);
        var preferences = new Preferences(_embedder.Id, direction, affinity);
        SavePreferences(preferences);
        _preferences = preferences;
        _warm.Clear();
        Sender.Tell(new PreferencesUpdated(_userId, direction.Length, affinity.Count));
    }

    private CommandRejected? ValidatePreferences(UpdatePreferences update)
    {
        if (update.Direction is null)
        {
            return new CommandRejected("direction", "must be given");
        }

        if (update.Direction.Length != _embedder.Dimensions)
        {
            return new CommandRejected("direction", $"must have {_embedder.Dimensions} components (got {update.Direction.Length})");
        }

        for (var i = 0; i < update.Direction.Length; i++)
        {
            if (!float.IsFinite(update.Direction[i]))
            {
                return new CommandRejected("direction", $"must be finite (component {i} is {update.Direction[i]})");
            }
        }

        var norm = TensorPrimitives.Norm(update.Direction);
        if (!(norm > 1e-12f) || !float.IsFinite(norm))
        {
            return new CommandRejected("direction", "must not be the zero vector");
        }

        foreach (var (command, value) in update.CommandAffinity ?? new Dictionary<string, double>())
        {
            if (string.IsNullOrWhiteSpace(command))
            {
                return new CommandRejected("commandAffinity", "commands must not be empty");
            }

            if (!double.IsFinite(value) || value is < -1 or > 1)
            {
                return new CommandRejected("commandAffinity", $"the affinity of '{command}' must be a finite number between -1 and 1");
            }
        }

        return null;
    }

    private void Warm(WarmSuggestions warm)
    {
        if (warm.LikelyNextTexts is null)
        {
            Sender.Tell(new CommandRejected("likelyNextTexts", "must be given"));
            return;
        }

        if (warm.LikelyNextTexts.Count > _settings.Options.WarmCacheSize)
        {
            Sender.Tell(new CommandRejected("likelyNextTexts", $"must hold at most {_settings.Options.WarmCacheSize} texts"));
            return;
        }

        for (var i = 0; i < warm.LikelyNextTexts.Count; i++)
        {
            if (InputRules.RequiredText($"likelyNextTexts[{i}]", warm.LikelyNextTexts[i]) is { } rejection)
            {
                Sender.Tell(rejection);
                return;
            }
        }

        // The learner sends the current set of likely requests; it replaces the previous one.
        _warm.Clear();
        foreach (var text in warm.LikelyNextTexts.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var response = RunSearch(text, WarmDepth, null, null);
                _warm[CacheKey(text)] = (response, response.Results.Count < WarmDepth);
            }
            catch (InvalidInputException)
            {
                // A text without usable features cannot be searched; a real search for it is rejected as usual.
            }
        }

        Sender.Tell(new SuggestionsWarmed(_userId, _warm.Count, Store.CurrentVersion));
    }

    private static string CacheKey(string text) => text.Trim();

    // The store calls the result count k; the message calls it limit.
    private static CommandRejected AsSearchRejection(CommandRejected rejection) =>
        rejection.Field == "k" ? rejection with { Field = "limit" } : rejection;

    // ---- preferences file --------------------------------------------------------------------------------------

    private string PreferencesPath => Path.Combine(_folder, PreferencesFileName);

    private Preferences? LoadPreferences()
    {
        if (!File.Exists(PreferencesPath))
        {
            return null;
        }

        try
        {
            var loaded = JsonSerializer.Deserialize<Preferences>(File.ReadAllText(PreferencesPath));
            if (loaded is not null && loaded.EmbedderId == _embedder.Id && loaded.Direction.Length == _embedder.Dimensions &&
                loaded.Direction.All(float.IsFinite))
            {
                return loaded with { Affinity = new Dictionary<string, double>(loaded.Affinity, StringComparer.Ordinal) };
            }
        }
        catch (JsonException ex)
        {
            _log.Warning("Memory of {0}: ignoring unreadable {1}: {2}", _userId, PreferencesFileName, ex.Message);
        }

        return null;
    }

    private void SavePreferences(Preferences preferences)
    {
        // Write-then-rename, so a crash leaves either the old or the new preferences, never half a file.
        var temporary = PreferencesPath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(preferences));
        File.Move(temporary, PreferencesPath, overwrite: true);
    }

    private void DeletePreferences()
    {
        if (File.Exists(PreferencesPath))
        {
            File.Delete(PreferencesPath);
        }
    }

    // ---- internal messages -------------------------------------------------------------------------------------

    private sealed record Preferences(string EmbedderId, float[] Direction, Dictionary<string, double> Affinity);

    private sealed record FlushLive
    {
        public static readonly FlushLive Instance = new();
    }
}

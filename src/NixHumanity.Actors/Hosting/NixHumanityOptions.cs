using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Typed configuration of the actor tree. It is rendered as HOCON on top of the files in <c>hocon/</c>, so
/// anything set here wins over those files.
/// </summary>
public sealed class NixHumanityOptions
{
    /// <summary>Name of the actor system. Default <c>nix-humanity</c>.</summary>
    public string ActorSystemName { get; set; } = "nix-humanity";

    /// <summary>Data directory; default <c>$NIXH_DATA_DIR</c>, else <c>$XDG_DATA_HOME/nix-humanity</c>, else <c>~/.local/share/nix-humanity</c>.</summary>
    public string DataDirectory { get; set; } = Infrastructure.DataDirectory.DefaultRoot();

    /// <summary>Journal backend. Default <see cref="JournalProvider.Sqlite"/>.</summary>
    public JournalProvider JournalProvider { get; set; } = JournalProvider.Sqlite;

    /// <summary>Journal connection string. Optional for SQLite (derived from the data directory); required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Idle time after which a user's tree is stopped (it comes back on the next message). Default 10 minutes.</summary>
    public TimeSpan PassivationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Events between session snapshots. Default 1000.</summary>
    public int SnapshotInterval { get; set; } = 1000;

    /// <summary>Flow detector thresholds.</summary>
    public FlowOptions Flow { get; set; } = new();

    /// <summary>First restart delay of a failed child actor. Default 200 ms.</summary>
    public TimeSpan SupervisorMinBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest restart delay of a repeatedly failing child actor. Default 10 s.</summary>
    public TimeSpan SupervisorMaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each user's learner folds new interactions into a preference fragment. Default 30 s.</summary>
    public TimeSpan FoldInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="NixHumanityClient"/> waits for an answer. Default 10 s.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the journal may go without answering before a session gives up: its first event (or snapshot) after
    /// the recovery began, the next one, or one write or read. Akka's own bounds (30 s for a recovery, 10 s for a
    /// call) failed a person's first request on a loaded machine, where a cold start takes that long while it is still
    /// progressing; a session that gives up answers its requests at once, saying the journal did not answer in this
    /// time. Default 2 minutes.
    /// </summary>
    public TimeSpan JournalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The embedder of the semantic memory: kind (auto|ngram|onnx|word-vectors), ONNX model path, tokenizer folder,
    /// sha256 and opt-in download URL, or the word-vector file. Default: <see cref="EmbedderKind.Auto"/>.
    /// </summary>
    public EmbedderOptions Embeddings { get; set; } = new();

    /// <summary>Semantic memory tuning: ranking weights (similarity, success rate, preferences), HNSW threshold, and suggestion cache.</summary>
    public MemoryOptions Memory { get; set; } = new();

    /// <summary>How the memory and learner projections catch up with the journal: events per batch, progress logging.</summary>
    public ProjectionOptions Projections { get; set; } = new();

    /// <summary>
    /// Whether each person's session, memory and learner start only when the first request for them arrives, instead
    /// of all three with the person's tree. Meant for a process that answers one request and stops (a <c>nixh</c> verb
    /// in its own process): a <c>record</c> then starts only the session, and the memory and the learner, which do not
    /// see its event, read it from the journal the next time they start (before they answer anything). A long-running
    /// host keeps the default (false): its projections follow every event as it is written. Default false.
    /// </summary>
    public bool StartComponentsOnDemand { get; set; }

    /// <summary>
    /// Whether the host answers the <c>nixh</c> verbs for its data directory on <c>&lt;data-dir&gt;/serve/nixh.sock</c>, as
    /// <c>nixh serve</c> does (docs/serve.md), so a <c>nixh</c> typed beside it is forwarded instead of refused (exit 6).
    /// The verbs are <c>nixh</c>'s: they are served when its assembly (<c>nixh.dll</c>) can be loaded in this process
    /// (docs/hosting.md). Default true.
    /// </summary>
    public bool Serve { get; set; } = true;

    /// <summary>Cluster mode: users sharded over several nodes sharing a PostgreSQL journal. Default off (docs/adr/0018).</summary>
    public ClusterModeOptions Cluster { get; set; } = new();

    /// <summary>The data directory layout for <see cref="DataDirectory"/>.</summary>
    internal DataDirectory Data => new(Path.GetFullPath(DataDirectory));

    /// <summary>The journal connection string in effect (derived for SQLite when not set).</summary>
    public string EffectiveConnectionString => JournalProvider switch
    {
        JournalProvider.Sqlite => ConnectionString ?? SqliteJournal.ConnectionStringFor(Data.JournalDatabase),
        _ => ConnectionString ?? throw new ArgumentException(
            "must be set when JournalProvider is Postgres (e.g. Host=localhost;Database=nixh;Username=nixh)", nameof(ConnectionString)),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and the rule when a value is unusable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("must not be empty", nameof(DataDirectory));
        }

        if (!Enum.IsDefined(JournalProvider))
        {
            throw new ArgumentException("must be Sqlite or Postgres", nameof(JournalProvider));
        }

        _ = EffectiveConnectionString;
        if (PassivationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("must be positive", nameof(PassivationTimeout));
        }

        if (SnapshotInterval < 1)
        {
            throw new ArgumentException("must be at least 1", nameof(SnapshotInterval));
        }

        if (SupervisorMinBackoff <= TimeSpan.Zero || SupervisorMaxBackoff < SupervisorMinBackoff)
        {
            throw new ArgumentException("must be positive with min <= max", nameof(SupervisorMaxBackoff));
        }

        if (AskTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("must be positive", nameof(AskTimeout));
        }

        if (JournalTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("must be at least 1 s", nameof(JournalTimeout));
        }

        if (FoldInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException("must be at least 100 ms", nameof(FoldInterval));
        }

        (Flow ?? throw new ArgumentException("must be set", nameof(Flow))).Validate();
        ValidateEmbeddings(Embeddings);
        (Memory ?? throw new ArgumentException("must be set", nameof(Memory))).Validate();
        (Projections ?? throw new ArgumentException("must be set", nameof(Projections))).Validate();
        (Cluster ?? throw new ArgumentException("must be set", nameof(Cluster))).Validate(JournalProvider);
    }

    /// <summary>
    /// Creates the configured embedder (or its fallback when a configured file is absent, reported once through
    /// <paramref name="onFallback"/>). Call once per actor system: an ONNX session is expensive.
    /// </summary>
    /// <exception cref="ArgumentException">The embedder's dimension is not one the memory store can hold (1..4096).</exception>
    public IEmbedder CreateEmbedder(Action<string>? onFallback = null)
    {
        var selection = EmbedderFactory.Select(Embeddings);
        if (selection.FallbackReason is { } reason)
        {
            onFallback?.Invoke(reason);
        }

        if (selection.Embedder.Dimensions is < 1 or > QuantizedRows.MaxDimensions)
        {
            var dimensions = selection.Embedder.Dimensions;
            selection.Embedder.Dispose();
            throw new ArgumentException($"the embedder must produce vectors of 1 to {QuantizedRows.MaxDimensions} dimensions (got {dimensions})", nameof(Embeddings));
        }

        return selection.Embedder;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the setting as it is written under the options' <c>Embeddings</c>
    /// section (<c>Embeddings.Onnx.ModelPath</c>, like <c>Flow.*</c>) and the rule when a value is unusable.
    /// </summary>
    private static void ValidateEmbeddings(EmbedderOptions? embeddings)
    {
        const string section = nameof(Embeddings) + ".";
        const string onnxSection = section + nameof(EmbedderOptions.Onnx) + ".";
        if (embeddings is null)
        {
            throw new ArgumentException("must be set", nameof(Embeddings));
        }

        if (!Enum.IsDefined(embeddings.Kind))
        {
            throw new ArgumentException("must be Auto, NGram, Onnx, WordVectors or MiniLm", section + nameof(EmbedderOptions.Kind));
        }

        if (embeddings.Kind == EmbedderKind.Onnx && embeddings.Onnx is null)
        {
            throw new ArgumentException("must be set (model path, …) when Kind is Onnx", section + nameof(EmbedderOptions.Onnx));
        }

        if (embeddings.Kind == EmbedderKind.WordVectors && embeddings.WordVectors is null)
        {
            throw new ArgumentException("must be set (vectors path) when Kind is WordVectors", section + nameof(EmbedderOptions.WordVectors));
        }

        if (embeddings.Onnx is { } onnx)
        {
            ValidateOnnx(onnx, onnxSection);
        }

        if (embeddings.WordVectors is { } words && string.IsNullOrWhiteSpace(words.VectorsPath))
        {
            throw new ArgumentException("must not be empty", section + nameof(EmbedderOptions.WordVectors) + "." + nameof(words.VectorsPath));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the ONNX setting under <paramref name="onnxSection"/> and the rule.</summary>
    private static void ValidateOnnx(OnnxSentenceEmbedderOptions onnx, string onnxSection)
    {
        if (string.IsNullOrWhiteSpace(onnx.ModelPath))
        {
            throw new ArgumentException("must not be empty", onnxSection + nameof(onnx.ModelPath));
        }

        if (onnx.ExpectedSha256 is { } sha && (sha.Length != 64 || !sha.All(Uri.IsHexDigit)))
        {
            throw new ArgumentException("must be 64 hexadecimal characters", onnxSection + nameof(onnx.ExpectedSha256));
        }

        if (onnx.DownloadUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            throw new ArgumentException("must be an absolute http(s) URL", onnxSection + nameof(onnx.DownloadUrl));
        }

        if (onnx.MaxTokens is < 3 or > 512)
        {
            throw new ArgumentException("must be 3..512", onnxSection + nameof(onnx.MaxTokens));
        }

        if (onnx.MaxBatchSize < 1)
        {
            throw new ArgumentException("must be positive", onnxSection + nameof(onnx.MaxBatchSize));
        }

        if (onnx.IntraOpThreads < 0)
        {
            throw new ArgumentException("must not be negative", onnxSection + nameof(onnx.IntraOpThreads));
        }
    }

    /// <summary>The settings handed to the user tree, with <paramref name="embedder"/> (default: <see cref="CreateEmbedder"/>).</summary>
    /// <param name="embedder">The embedder of this actor system; the user directory disposes it when it stops.</param>
    internal UserSettings ToUserSettings(IEmbedder? embedder = null) => new(
        Data,
        new SessionSettings(Flow, SnapshotInterval),
        PassivationTimeout,
        SupervisorMinBackoff,
        SupervisorMaxBackoff,
        new MemorySettings(embedder ?? CreateEmbedder(), Memory),
        new JournalLocation(JournalProvider, EffectiveConnectionString))
    {
        FoldInterval = FoldInterval,
        Projections = Projections,
        StartComponentsOnDemand = StartComponentsOnDemand,
    };
}

using NixHumanity.Actors.Session;
using NixHumanity.Actors.Storage;
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
    public string DataDirectory { get; set; } = Storage.DataDirectory.DefaultRoot();

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

    /// <summary>The data directory layout for <see cref="DataDirectory"/>.</summary>
    public DataDirectory Data => new(Path.GetFullPath(DataDirectory));

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

        if (FoldInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException("must be at least 100 ms", nameof(FoldInterval));
        }

        Flow.Validate();
    }

    /// <summary>The settings handed to the user tree.</summary>
    public UserSettings ToUserSettings() => new(
        Data,
        new SessionSettings(Flow, SnapshotInterval),
        PassivationTimeout,
        SupervisorMinBackoff,
        SupervisorMaxBackoff)
    {
        FoldInterval = FoldInterval,
    };
}

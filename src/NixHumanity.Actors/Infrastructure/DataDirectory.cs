using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The on-disk layout under the data directory:
/// <code>
/// &lt;data-dir&gt;/journal/journal.db          event journal + snapshots (SQLite, WAL)
/// &lt;data-dir&gt;/users/&lt;id&gt;/memory/         owned by the user's MemoryActor
/// &lt;data-dir&gt;/users/&lt;id&gt;/learner/        owned by the user's LearnerActor
/// </code>
/// </summary>
/// <param name="Root">The absolute data directory.</param>
internal sealed record DataDirectory(string Root)
{
    /// <summary>Environment variable that overrides the default data directory.</summary>
    public const string EnvironmentVariable = "NIXH_DATA_DIR";

    /// <summary>Folder of the SQLite journal.</summary>
    public string JournalFolder => Path.Combine(Root, "journal");

    /// <summary>The SQLite journal and snapshot file.</summary>
    public string JournalDatabase => Path.Combine(JournalFolder, "journal.db");

    /// <summary>Folder holding one sub-folder per user.</summary>
    public string UsersFolder => Path.Combine(Root, "users");

    /// <summary>A user's folder; the id is checked so it can never escape <see cref="UsersFolder"/>.</summary>
    public string UserFolder(string userId)
    {
        if (InputRules.Id("userId", userId) is { } rejection)
        {
            throw new InvalidInputException(rejection);
        }

        return Path.Combine(UsersFolder, userId);
    }

    /// <summary>A user's folder for one component (<c>memory</c>, <c>learner</c>).</summary>
    public string ComponentFolder(string userId, string component) => Path.Combine(UserFolder(userId), component);

    /// <summary>
    /// The default data directory: <c>$NIXH_DATA_DIR</c>, else <c>$XDG_DATA_HOME/nix-humanity</c>, else
    /// <c>~/.local/share/nix-humanity</c>.
    /// </summary>
    public static string DefaultRoot(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment(EnvironmentVariable) is { Length: > 0 } explicitDir)
        {
            return Path.GetFullPath(explicitDir);
        }

        if (environment("XDG_DATA_HOME") is { Length: > 0 } xdg)
        {
            return Path.GetFullPath(Path.Combine(xdg, "nix-humanity"));
        }

        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.GetFullPath(Path.Combine(home, ".local", "share", "nix-humanity"));
    }
}

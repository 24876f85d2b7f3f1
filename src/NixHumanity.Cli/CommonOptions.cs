using System.CommandLine;
using NixHumanity.Actors.Hosting;

namespace NixHumanity.Cli;

/// <summary>Options every verb takes.</summary>
internal static class CommonOptions
{
    public static readonly Option<string> DataDir = new("--data-dir")
    {
        Description = "Data directory (default: $NIXH_DATA_DIR, else $XDG_DATA_HOME/nix-humanity, else ~/.local/share/nix-humanity)",
        HelpName = "DIR",
        Recursive = true,
        DefaultValueFactory = _ => NixHumanityFiles.DefaultDataDirectory(),
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print one JSON object on stdout and nothing else",
        Recursive = true,
    };

    public static Option<string> User() => new("--user")
    {
        Description = "User id ([A-Za-z0-9_-]{1,64})",
        HelpName = "U",
        Required = true,
    };

    public static Option<string?> At() => new("--at")
    {
        Description = "When it happened, ISO-8601 (default: now)",
        HelpName = "ISO-8601",
    };
}

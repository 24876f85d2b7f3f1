using System.CommandLine;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Cli.Serve;

namespace NixHumanity.Cli;

/// <summary>Options every verb takes.</summary>
internal static class CommonOptions
{
    public static readonly Option<string> DataDir = PathSymbols.Mark(new Option<string>("--data-dir")
    {
        Description = "Data directory (default: $NIXH_DATA_DIR, else $XDG_DATA_HOME/nix-humanity, else ~/.local/share/nix-humanity)",
        HelpName = "DIR",
        Recursive = true,
        DefaultValueFactory = _ => NixHumanityFiles.DefaultDataDirectory(),
    });

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print one JSON object on stdout and nothing else",
        Recursive = true,
    };

    /// <summary>Environment variable that chooses the embedder when <c>--embedder</c> is not given.</summary>
    public const string EmbedderVariable = "NIXH_EMBEDDER";

    public static readonly Option<string> Embedder = new("--embedder")
    {
        Description = "Embedder of the memory: auto (the packaged all-MiniLM-L6-v2, else n-grams), minilm or ngram " +
            $"(default: ${EmbedderVariable}, else auto)",
        HelpName = "auto|minilm|ngram",
        Recursive = true,
        DefaultValueFactory = _ => CliConsole.Variable(EmbedderVariable) is { Length: > 0 } chosen ? chosen : "auto",
    };

    /// <summary>The embedder kind <c>--embedder</c> (or <c>$NIXH_EMBEDDER</c>) names.</summary>
    /// <exception cref="ArgumentException">Not one of auto, minilm, ngram.</exception>
    public static EmbedderKind EmbedderOf(ParseResult parse) => parse.GetValue(Embedder)?.Trim().ToLowerInvariant() switch
    {
        "auto" or null or "" => EmbedderKind.Auto,
        "minilm" => EmbedderKind.MiniLm,
        "ngram" => EmbedderKind.NGram,
        var other => throw new ArgumentException($"must be auto, minilm or ngram (got '{other}')", "embedder"),
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

using System.CommandLine;
using System.CommandLine.Parsing;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// A forwarded command line as the owner runs it: path values (<see cref="PathSymbols"/>) made absolute against the
/// client's working directory, and the owner's data directory named explicitly, since the owner's own environment
/// (<c>$NIXH_DATA_DIR</c>, <c>$HOME</c>) is not the client's.
/// </summary>
internal static class ServedArguments
{
    public static IReadOnlyList<string> For(RootCommand root, ServeRequest request, string dataDirectory)
    {
        var parse = NixhCommandLine.Parse(root, request.Args);
        if (parse.Errors.Count > 0)
        {
            // The verb will only print the parse error, as it would have in the client's process.
            return request.Args;
        }

        var absolute = new Dictionary<Token, string>(ReferenceEqualityComparer.Instance);
        foreach (var result in Descendants(parse.RootCommandResult))
        {
            var symbol = result switch
            {
                OptionResult option => (Symbol)option.Option,
                ArgumentResult argument => argument.Argument,
                _ => null,
            };
            if (symbol is not null && PathSymbols.IsPath(symbol))
            {
                foreach (var token in result.Tokens)
                {
                    absolute[token] = Path.GetFullPath(token.Value, request.Cwd);
                }
            }
        }

        var args = parse.Tokens.Select(t => absolute.GetValueOrDefault(t) ?? t.Value).ToList();
        return parse.GetResult(CommonOptions.DataDir) is { Implicit: false } ? args : ["--data-dir", dataDirectory, .. args];
    }

    private static IEnumerable<SymbolResult> Descendants(CommandResult command)
    {
        foreach (var child in command.Children)
        {
            yield return child;
            if (child is CommandResult sub)
            {
                foreach (var nested in Descendants(sub))
                {
                    yield return nested;
                }
            }
        }
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;

namespace NixHumanity.Cli;

/// <summary>
/// Turns the command-line parser's first error into the same <c>field: rule</c> line as every other mistake, without
/// .NET type names ("System.Nullable`1[System.Int64]") that mean nothing to a person.
/// </summary>
internal static class ParseErrors
{
    public static string Describe(ParseResult parse, RootCommand root)
    {
        if (parse.CommandResult.Command == root)
        {
            // No verb matched: say which word was not one, and which are.
            var verbs = string.Join(", ", root.Subcommands.Select(c => c.Name));
            var first = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
            return first is null
                ? $"verb: one is required ({verbs}); nixh --help describes them"
                : $"verb: '{first}' is not a verb ({verbs})";
        }

        var error = parse.Errors[0];
        if (parse.UnmatchedTokens.Count > 0 && error.SymbolResult is not OptionResult)
        {
            // A word the verb does not take (a stray argument, an unknown option): name it and the verb.
            var verb = parse.CommandResult.Command.Name;
            var token = parse.UnmatchedTokens[0];
            return token.StartsWith('-')
                ? $"option: '{token}' is not an option of {verb} (nixh {verb} --help lists them)"
                : $"argument: '{token}' is not expected by {verb} (nixh {verb} --help)";
        }

        if (error.SymbolResult is not OptionResult { Option: var option } optionResult)
        {
            return error.Message;
        }

        var field = CamelCase(option.Name.TrimStart('-'));
        if (optionResult.Tokens.Count == 0)
        {
            return $"{field}: a value is required ({option.Name} VALUE)";
        }

        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        return Rule(type) is { } rule && error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal)
            ? $"{field}: {rule} (was '{optionResult.Tokens[0].Value}')"
            : error.Message;
    }

    private static string? Rule(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "must be a whole number",
        _ when type == typeof(double) => "must be a number",
        _ when type.IsEnum => $"must be one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}",
        _ => null,
    };

    private static string CamelCase(string dashed)
    {
        var parts = dashed.Split('-', StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(parts.Select((p, i) => i == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}

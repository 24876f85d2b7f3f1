namespace NixHumanity.Cli;

/// <summary>
/// The spellings System.CommandLine's help option answers to, for the checks that look at a command line before it is
/// parsed (a verb forwarded to <c>nixh serve</c>, stdout reserved for <c>--json</c>). Spelled out rather than read from
/// <c>HelpOption</c>, so the client path of a forwarded verb does not load the command-line library.
/// </summary>
internal static class HelpAliases
{
    /// <summary>Whether <paramref name="arg"/> asks for help.</summary>
    public static bool Contains(string arg) => arg is "--help" or "-h" or "-?" or "/?" or "/h";
}

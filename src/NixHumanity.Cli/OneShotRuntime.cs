namespace NixHumanity.Cli;

/// <summary>
/// Runtime settings for a process that answers one short verb and ends: such a process runs no generated code long
/// enough for compiling it to pay (ADR 0042).
/// </summary>
/// <remarks>
/// <para>
/// With dynamic code off (<c>RuntimeFeature.IsDynamicCodeSupported</c> false), System.Text.Json reads and writes
/// properties by reflection instead of emitting an accessor per property, and expression trees (Akka's receive
/// handlers, linq2db's mapping and queries, the host's dependency injection) are interpreted instead of compiled to IL
/// and then JIT-compiled. In a verb's own process those compilations were about 300 of the 1,800 methods a ReadyToRun
/// <c>status</c> still compiled at run time; each is used a handful of times before the process ends.
/// </para>
/// <para>
/// Only for the verbs that answer one request: <c>serve</c> (which keeps compiled code for its whole life) and the bulk
/// verbs (<c>import</c>, <c>export</c>, <c>demo</c>, …, whose loops over many rows would run interpreted) keep the
/// default, as does a verb forwarded to a serving owner, which runs in the owner's process. The switch must be set
/// before anything reads it (the runtime caches it on first use), so <c>Program</c> applies it before any verb's code
/// runs.
/// </para>
/// </remarks>
internal static class OneShotRuntime
{
    /// <summary>The runtime's feature switch behind <c>RuntimeFeature.IsDynamicCodeSupported</c>.</summary>
    internal const string DynamicCodeSwitch = "System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported";

    /// <summary>The verbs that answer one request and end.</summary>
    private static readonly HashSet<string> OneRequestVerbs =
        new(["record", "notify", "status", "search", "stats", "query", "preferences", "suggest"], StringComparer.Ordinal);

    /// <summary>Turns dynamic code off when <paramref name="args"/> run a one-request verb.</summary>
    /// <returns>Whether it did.</returns>
    public static bool Apply(IReadOnlyList<string> args)
    {
        if (!RunsWithoutDynamicCode(args))
        {
            return false;
        }

        AppContext.SetSwitch(DynamicCodeSwitch, false);
        return true;
    }

    /// <summary>Whether <paramref name="args"/> name a verb that answers one request (not <c>serve</c>, not a bulk verb).</summary>
    internal static bool RunsWithoutDynamicCode(IReadOnlyList<string> args) => Verb(args) is { } verb && OneRequestVerbs.Contains(verb);

    /// <summary>The first word of <paramref name="args"/> that is neither an option nor an option's value.</summary>
    internal static string? Verb(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                return null;
            }

            if (arg is "--data-dir" or "--embedder")
            {
                i++;
            }
            else if (!arg.StartsWith('-'))
            {
                return arg;
            }
        }

        return null;
    }
}

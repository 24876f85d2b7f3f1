using System.Diagnostics;
using System.Text;

/// <summary>
/// Lists every assembly a process loads, with the wall time since the process started and the process's CPU time so
/// far, and, for the assemblies named in <c>LOAD_TIMELINE_STACKS</c> (comma-separated name prefixes), the stack that
/// loaded each. Written to the file named by <c>LOAD_TIMELINE_OUT</c> when the process exits, one call after another.
/// The runtime requires a startup hook to be a class named <c>StartupHook</c> outside any namespace.
/// </summary>
/// <example>
/// <code>
/// dotnet build -c Release -o /tmp/load-timeline benchmarks/serve/LoadTimeline
/// DOTNET_STARTUP_HOOKS=/tmp/load-timeline/LoadTimeline.dll LOAD_TIMELINE_OUT=/tmp/status.txt \
///   LOAD_TIMELINE_STACKS=linq2db,LanguageExt dotnet nixh.dll status --user maya --json
/// </code>
/// </example>
internal static class StartupHook
{
    private static readonly StringBuilder Log = new();
    private static readonly object Gate = new();
    private static DateTime _start;

    /// <summary>Called by the runtime before <c>Main</c>.</summary>
    public static void Initialize()
    {
        _start = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var stacksOf = (Environment.GetEnvironmentVariable("LOAD_TIMELINE_STACKS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Mark("hook");
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
        {
            var name = e.LoadedAssembly.GetName().Name ?? "?";
            var stack = stacksOf.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal))
                ? "\n" + string.Join("\n", new StackTrace(1, false).GetFrames().Take(40)
                    .Select(frame => frame.GetMethod()).OfType<System.Reflection.MethodBase>()
                    .Select(method => $"      {method.DeclaringType?.FullName}.{method.Name}"))
                : "";
            Mark($"load {name}{stack}");
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Mark("exit");
            if (Environment.GetEnvironmentVariable("LOAD_TIMELINE_OUT") is { } path)
            {
                File.AppendAllText(path, Log + "----\n");
            }
        };
    }

    private static void Mark(string what)
    {
        var wallMs = (DateTime.UtcNow - _start).TotalMilliseconds;
        var cpuMs = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        lock (Gate)
        {
            Log.Append($"{wallMs,8:F0} {cpuMs,8:F0} [{Environment.CurrentManagedThreadId,3}] {what}\n");
        }
    }
}

using Spectre.Console;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// What a forwarded verb writes to and reads from, for the request running on this async flow: its stdout and stderr
/// (as writers and as Spectre consoles rendering for the client's terminal), its <c>NIXH_*</c> environment and the
/// owner's running host. Outside a request (a verb in its own process) there is none and the process's own console,
/// environment and a fresh host are used, exactly as before.
/// </summary>
internal sealed class RequestScope
{
    private static readonly AsyncLocal<RequestScope?> Ambient = new();

    public RequestScope(ServeRequest request, TextWriter stdout, TextWriter stderr, CliHost host)
    {
        Request = request;
        Out = stdout;
        Error = stderr;
        OutConsole = request.Stdout.CreateConsole(stdout);
        ErrorConsole = request.Stderr.CreateConsole(stderr);
        Host = host;
    }

    /// <summary>The request being served on this async flow, if any.</summary>
    public static RequestScope? Current => Ambient.Value;

    public ServeRequest Request { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IAnsiConsole OutConsole { get; }

    public IAnsiConsole ErrorConsole { get; }

    /// <summary>The owner's host, lent to the verb instead of a fresh one.</summary>
    public CliHost Host { get; }

    /// <summary>Makes this the current request for the calling async flow (and what it starts).</summary>
    public void Enter() => Ambient.Value = this;
}

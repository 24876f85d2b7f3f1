using Spectre.Console;
using Spectre.Console.Rendering;

namespace NixHumanity.Cli.Serve;

/// <summary>The static <see cref="AnsiConsole"/> of a serving process: the current request's stdout console, or the
/// process's own outside a request.</summary>
internal sealed class RoutingAnsiConsole(IAnsiConsole fallback) : IAnsiConsole
{
    private static IAnsiConsole? Current => RequestScope.Current?.OutConsole;

    private IAnsiConsole Target => Current ?? fallback;

    public Profile Profile => Target.Profile;

    public IAnsiConsoleCursor Cursor => Target.Cursor;

    public IAnsiConsoleInput Input => Target.Input;

    public IExclusivityMode ExclusivityMode => Target.ExclusivityMode;

    public RenderPipeline Pipeline => Target.Pipeline;

    public void Clear(bool home) => Target.Clear(home);

    public void Write(IRenderable renderable) => Target.Write(renderable);

    public void WriteAnsi(Action<AnsiWriter> action) => Target.WriteAnsi(action);
}

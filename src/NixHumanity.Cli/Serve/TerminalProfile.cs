using System.Runtime.CompilerServices;
using Spectre.Console;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// What the client's stdout or stderr is: a terminal (with its width and what it can show) or a file or pipe. The
/// owner renders a forwarded verb for that output, so tables wrap and colour exactly as they would in the client's own
/// process.
/// </summary>
internal sealed record TerminalProfile(bool Terminal, int Width, int Height, bool Ansi, int ColorSystem, bool Unicode, bool Links, bool Interactive)
{
    /// <summary>A file or pipe: what Spectre.Console detects for redirected output (no ANSI, 80 columns).</summary>
    public static readonly TerminalProfile Redirected = new(false, 80, 24, false, (int)Spectre.Console.ColorSystem.NoColors, true, false, false);

    /// <summary>The client's profile of <paramref name="writer"/>; Spectre.Console is loaded only for a terminal.</summary>
    public static TerminalProfile Of(bool redirected, TextWriter writer) => redirected ? Redirected : Detect(writer);

    // Its own method, so compiling Of does not load Spectre.Console for a client whose output is redirected.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TerminalProfile Detect(TextWriter writer)
    {
        var profile = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) }).Profile;
        var capabilities = profile.Capabilities;
        return new TerminalProfile(
            true, profile.Width, profile.Height, capabilities.Ansi, (int)capabilities.ColorSystem, capabilities.Unicode, capabilities.Links, capabilities.Interactive);
    }

    /// <summary>A console on the owner's side that renders into <paramref name="writer"/> as this profile's output would.</summary>
    public IAnsiConsole CreateConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new Output(writer, this),
            Ansi = Ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = (ColorSystemSupport)ColorSystem,
            Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = Width;
        console.Profile.Height = Height;
        console.Profile.Capabilities.Unicode = Unicode;
        console.Profile.Capabilities.Links = Links;
        return console;
    }

    private sealed class Output(TextWriter writer, TerminalProfile profile) : IAnsiConsoleOutput
    {
        public TextWriter Writer => writer;

        public bool IsTerminal => profile.Terminal;

        public int Width => profile.Width;

        public int Height => profile.Height;

        public void SetEncoding(System.Text.Encoding encoding)
        {
            // The reply carries text; the client writes it in its own encoding.
        }
    }
}

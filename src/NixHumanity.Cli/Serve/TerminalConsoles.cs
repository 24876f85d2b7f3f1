using System.Runtime.CompilerServices;
using NixHumanity.Actors.Hosting.Serving;
using Spectre.Console;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The Spectre.Console side of a <see cref="TerminalProfile"/>: the client detects its own terminal, the owner renders a
/// forwarded verb for it.
/// </summary>
internal static class TerminalConsoles
{
    /// <summary>The client's profile of <paramref name="writer"/>; Spectre.Console is loaded only for a terminal.</summary>
    public static TerminalProfile Of(bool redirected, TextWriter writer) => redirected ? TerminalProfile.Redirected : Detect(writer);

    // Its own method, so compiling Of does not load Spectre.Console for a client whose output is redirected.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TerminalProfile Detect(TextWriter writer)
    {
        var profile = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) }).Profile;
        var capabilities = profile.Capabilities;
        return new TerminalProfile(
            true, profile.Width, profile.Height, capabilities.Ansi, (int)capabilities.ColorSystem, capabilities.Unicode, capabilities.Links, capabilities.Interactive);
    }

    /// <summary>A console on the owner's side that renders into <paramref name="writer"/> as <paramref name="profile"/>'s output would.</summary>
    public static IAnsiConsole CreateConsole(this TerminalProfile profile, TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new Output(writer, profile),
            Ansi = profile.Ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = (ColorSystemSupport)profile.ColorSystem,
            Interactive = profile.Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = profile.Width;
        console.Profile.Height = profile.Height;
        console.Profile.Capabilities.Unicode = profile.Unicode;
        console.Profile.Capabilities.Links = profile.Links;
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

namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>
/// What the client's stdout or stderr is: a terminal (with its width and what it can show) or a file or pipe. The
/// owner renders a forwarded verb for that output, so tables wrap and colour exactly as they would in the client's own
/// process. Plain data: the consoles that render for it are the command line's (<c>TerminalConsoles</c> in <c>nixh</c>).
/// </summary>
/// <param name="Terminal">Whether the output is a terminal (else a file or pipe).</param>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
/// <param name="Ansi">Whether ANSI escapes are understood.</param>
/// <param name="ColorSystem">Spectre.Console's <c>ColorSystem</c> as a number: 0 none, 1 legacy, 2 standard, 3 eight-bit, 4 true colour.</param>
/// <param name="Unicode">Whether Unicode (box drawing) can be shown.</param>
/// <param name="Links">Whether links can be shown.</param>
/// <param name="Interactive">Whether a person can answer prompts.</param>
internal sealed record TerminalProfile(bool Terminal, int Width, int Height, bool Ansi, int ColorSystem, bool Unicode, bool Links, bool Interactive)
{
    /// <summary>A file or pipe: what Spectre.Console detects for redirected output (no ANSI, no colours, 80 columns).</summary>
    public static readonly TerminalProfile Redirected = new(false, 80, 24, false, 0, true, false, false);
}

using System.Text;

namespace NixHumanity.Cli.Serve;

/// <summary>A writer that writes to the current request's stream, or to the process's own outside a request.</summary>
internal sealed class RoutingWriter(Func<TextWriter?> current, TextWriter fallback) : TextWriter
{
    private TextWriter Target => current() ?? fallback;

    public override Encoding Encoding => Target.Encoding;

    public override void Write(char value) => Target.Write(value);

    public override void Write(string? value) => Target.Write(value);

    public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);

    public override void WriteLine(string? value) => Target.WriteLine(value);

    public override void Flush() => Target.Flush();
}

using System.Text;

namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>A verb's stdout or stderr on the owner's side: text is buffered and sent as one reply line per flush (Spectre
/// flushes after each render, so progress bars move on the client as they would locally).</summary>
internal sealed class ReplyWriter(ReplyChannel channel, string name) : TextWriter
{
    private const int FlushAt = 8192;
    private readonly StringBuilder _buffer = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Append(b => b.Append(value));

    public override void Write(string? value) => Append(b => b.Append(value));

    public override void Write(char[] buffer, int index, int count) => Append(b => b.Append(buffer, index, count));

    public override void Flush()
    {
        string text;
        lock (_gate)
        {
            if (_buffer.Length == 0)
            {
                return;
            }

            text = _buffer.ToString();
            _buffer.Clear();
        }

        channel.Send(name, text);
    }

    private void Append(Action<StringBuilder> append)
    {
        bool full;
        lock (_gate)
        {
            append(_buffer);
            full = _buffer.Length >= FlushAt;
        }

        if (full)
        {
            Flush();
        }
    }
}

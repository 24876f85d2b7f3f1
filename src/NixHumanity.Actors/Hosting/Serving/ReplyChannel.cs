using System.Text.Encodings.Web;
using System.Text.Json;

namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>
/// The reply half of a connection: JSON lines <c>{"stdout": text}</c>, <c>{"stderr": text}</c> and, last,
/// <c>{"exit": code}</c> (docs/serve.md). Writes from the verb and from a progress bar's thread are serialised here.
/// </summary>
internal sealed class ReplyChannel(Stream stream)
{
    // Tables are box-drawing characters: sent as they are rather than as \uXXXX escapes.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();
    private bool _broken;

    /// <summary>Whether the client went away (a write failed); the verb is cancelled then.</summary>
    public bool Broken => _broken;

    public void Send(string name, string text) => Line(json =>
    {
        json.WriteStartObject();
        json.WriteString(name, text);
        json.WriteEndObject();
    });

    public void Exit(int code) => Line(json =>
    {
        json.WriteStartObject();
        json.WriteNumber("exit", code);
        json.WriteEndObject();
    });

    private void Line(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json);
        }

        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            if (_broken)
            {
                return;
            }

            try
            {
                stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                stream.Flush();
            }
            catch (IOException)
            {
                // The client was interrupted; what is left of the verb's output has nowhere to go.
                _broken = true;
            }
        }
    }
}

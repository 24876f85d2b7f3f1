using System.Globalization;
using System.Text;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The forwarding client's side of the protocol's JSON lines (docs/serve.md): it writes one request and reads the
/// owner's three reply shapes, <c>{"stdout": text}</c>, <c>{"stderr": text}</c> and <c>{"exit": code}</c>. Written
/// out here rather than with System.Text.Json because loading and starting that library costs the client about a tenth
/// of its CPU time, for two fixed shapes (ADR 0046); <c>ClientJsonLinesSpecs</c> checks both directions against
/// System.Text.Json, which the owner uses.
/// </summary>
internal static class ClientJsonLines
{
    /// <summary>One reply line: a text for <c>stdout</c> or <c>stderr</c>, or the exit code.</summary>
    /// <param name="Name">The reply's only property: <c>stdout</c>, <c>stderr</c> or <c>exit</c> (another name is ignored).</param>
    /// <param name="Text">The text of a <c>stdout</c> or <c>stderr</c> reply.</param>
    /// <param name="Exit">The code of an <c>exit</c> reply.</param>
    internal readonly record struct Reply(string Name, string? Text, int? Exit);

    /// <summary>The request as one JSON line (UTF-8, ending in a newline), the shape <c>ServeRequest.Parse</c> reads.</summary>
    public static byte[] Request(ServeRequest request)
    {
        var json = new StringBuilder(256).Append("{\"args\":[");
        for (var i = 0; i < request.Args.Count; i++)
        {
            String(json.Append(i == 0 ? "" : ","), request.Args[i]);
        }

        String(json.Append("],\"cwd\":"), request.Cwd).Append(",\"env\":{");
        var first = true;
        foreach (var (name, value) in request.Environment)
        {
            String(String(json.Append(first ? "" : ","), name).Append(':'), value);
            first = false;
        }

        Profile(json.Append("},\"stdout\":"), request.Stdout);
        Profile(json.Append(",\"stderr\":"), request.Stderr);
        return Encoding.UTF8.GetBytes(json.Append("}\n").ToString());
    }

    /// <summary>Reads one reply line.</summary>
    /// <exception cref="FormatException">The line is not an object with one string or integer property.</exception>
    public static Reply ParseReply(string line)
    {
        var at = Skip(line, 0);
        Expect(line, ref at, '{');
        var name = ReadString(line, ref at);
        Expect(line, ref at, ':');
        at = Skip(line, at);
        Reply reply;
        if (at < line.Length && line[at] == '"')
        {
            reply = new Reply(name, ReadString(line, ref at), null);
        }
        else
        {
            var start = at;
            while (at < line.Length && (char.IsAsciiDigit(line[at]) || (at == start && line[at] == '-')))
            {
                at++;
            }

            reply = int.TryParse(line.AsSpan(start, at - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)
                ? new Reply(name, null, code)
                : throw new FormatException($"reply: the value of \"{name}\" must be a string or an integer");
        }

        Expect(line, ref at, '}');
        return Skip(line, at) == line.Length ? reply : throw new FormatException("reply: must be one JSON object per line");
    }

    private static void Profile(StringBuilder json, TerminalProfile profile)
    {
        json.Append("{\"terminal\":").Append(Bool(profile.Terminal));
        if (profile.Terminal)
        {
            json.Append(",\"width\":").Append(profile.Width.ToString(CultureInfo.InvariantCulture))
                .Append(",\"height\":").Append(profile.Height.ToString(CultureInfo.InvariantCulture))
                .Append(",\"ansi\":").Append(Bool(profile.Ansi))
                .Append(",\"colorSystem\":").Append(profile.ColorSystem.ToString(CultureInfo.InvariantCulture))
                .Append(",\"unicode\":").Append(Bool(profile.Unicode))
                .Append(",\"links\":").Append(Bool(profile.Links))
                .Append(",\"interactive\":").Append(Bool(profile.Interactive));
        }

        json.Append('}');
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>
    /// A JSON string: quotes, backslashes and control characters escaped, everything else as it is (the line is
    /// UTF-8). A lone surrogate, which has no UTF-8 form, becomes U+FFFD.
    /// </summary>
    private static StringBuilder String(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                '\n' => json.Append("\\n"),
                '\r' => json.Append("\\r"),
                '\t' => json.Append("\\t"),
                < ' ' => json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => json.Append(c),
            };
        }

        return json.Append('"');
    }

    private static string ReadString(string line, ref int at)
    {
        at = Skip(line, at);
        Expect(line, ref at, '"');
        var text = new StringBuilder();
        while (at < line.Length && line[at] != '"')
        {
            var c = line[at++];
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            if (at >= line.Length)
            {
                break;
            }

            var escaped = line[at++];
            text.Append(escaped switch
            {
                '"' or '\\' or '/' => escaped,
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                // A surrogate pair arrives as two escapes, one UTF-16 unit each: appended in turn, they make the pair.
                'u' when at + 4 <= line.Length && ushort.TryParse(line.AsSpan(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit)
                    => Advance(ref at, 4, (char)unit),
                _ => throw new FormatException($"reply: \\{escaped} is not a JSON escape"),
            });
        }

        Expect(line, ref at, '"');
        return text.ToString();
    }

    private static char Advance(ref int at, int by, char value)
    {
        at += by;
        return value;
    }

    private static void Expect(string line, ref int at, char expected)
    {
        at = Skip(line, at);
        if (at >= line.Length || line[at] != expected)
        {
            throw new FormatException($"reply: expected '{expected}' at character {at + 1}");
        }

        at++;
    }

    private static int Skip(string line, int at)
    {
        while (at < line.Length && line[at] is ' ' or '\t' or '\r' or '\n')
        {
            at++;
        }

        return at;
    }
}

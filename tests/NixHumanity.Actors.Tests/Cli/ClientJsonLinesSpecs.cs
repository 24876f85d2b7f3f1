using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NixHumanity.Actors.Hosting.Serving;
using NixHumanity.Cli;
using NixHumanity.Cli.Serve;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>
/// The forwarding client writes and reads the protocol's JSON lines without System.Text.Json (ADR 0046); the owner
/// reads and writes them with it. Both directions are checked here against the owner's own code.
/// </summary>
public sealed class ClientJsonLinesSpecs
{
    private static readonly string[] Texts =
    [
        "",
        "plain words",
        "quote \" backslash \\ slash / done",
        "lines\nand\r\nreturns\ttabs\bbackspace\fform feed",
        "control \u0001\u0002\u001f and delete \u007f",
        "accents ünïcödé, CJK 日本語, box ┌─┐│└┘",
        "emoji 🎉🧪 (surrogate pairs)",
        "html <b>&amp;</b> 'single' +plus `tick`",
        "\u2028 line and \u2029 paragraph separators, BOM \ufeff",
        "  leading and trailing spaces  ",
        "{\"exit\":0}",
    ];

    [Fact]
    public void A_request_the_client_writes_is_read_by_the_owner_as_it_was_given()
    {
        var environment = Texts.Select((text, i) => ($"NIXH_VARIABLE_{i}", text)).ToDictionary(p => p.Item1, p => p.text);
        var terminal = new TerminalProfile(true, 132, 43, true, 3, true, false, true);
        var request = new ServeRequest(["search", "--user", "maya", .. Texts], "/home/maya/a \"quoted\" folder ü", environment, terminal, TerminalProfile.Redirected);

        var line = ClientJsonLines.Request(request);

        line[^1].Should().Be((byte)'\n');
        var text = Encoding.UTF8.GetString(line);
        text.IndexOf('\n').Should().Be(text.Length - 1, "a request is one line");
        var read = ServeRequest.Parse(text);
        read.Args.Should().Equal(request.Args);
        read.Cwd.Should().Be(request.Cwd);
        read.Environment.Should().BeEquivalentTo(environment);
        read.Stdout.Should().Be(terminal);
        read.Stderr.Should().Be(TerminalProfile.Redirected);
    }

    [Fact]
    public void A_request_without_arguments_or_environment_is_read_by_the_owner_as_it_was_given()
    {
        var request = new ServeRequest([], "/", new Dictionary<string, string>(), TerminalProfile.Redirected, TerminalProfile.Redirected);

        var read = ServeRequest.Parse(Encoding.UTF8.GetString(ClientJsonLines.Request(request)));

        read.Args.Should().BeEmpty();
        read.Environment.Should().BeEmpty();
        read.Stdout.Should().Be(TerminalProfile.Redirected);
    }

    [Fact]
    public void The_owners_replies_are_read_as_they_were_sent()
    {
        using var stream = new MemoryStream();
        var channel = new ReplyChannel(stream);
        foreach (var text in Texts)
        {
            channel.Send("stdout", text);
            channel.Send("stderr", text);
        }

        channel.Exit(0);
        channel.Exit(-1);
        channel.Exit(ExitCodes.Unavailable);

        var replies = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(ClientJsonLines.ParseReply)
            .ToList();

        var expected = Texts.SelectMany(text => new[] { new ClientJsonLines.Reply("stdout", text, null), new ClientJsonLines.Reply("stderr", text, null) })
            .Append(new ClientJsonLines.Reply("exit", null, 0))
            .Append(new ClientJsonLines.Reply("exit", null, -1))
            .Append(new ClientJsonLines.Reply("exit", null, ExitCodes.Unavailable));
        replies.Should().Equal(expected);
    }

    [Fact]
    public void Replies_escaped_by_any_json_writer_are_read_as_they_were_sent()
    {
        // The default encoder writes every non-ASCII character as \uXXXX (a surrogate pair as two), and spaces around
        // the colon and braces are valid JSON too: another server implementing the protocol may write either.
        foreach (var text in Texts)
        {
            var escaped = JsonSerializer.Serialize(new Dictionary<string, string> { ["stdout"] = text }, new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default });
            ClientJsonLines.ParseReply(escaped).Should().Be(new ClientJsonLines.Reply("stdout", text, null), escaped);
            var spaced = JsonSerializer.Serialize(new Dictionary<string, string> { ["stderr"] = text }, new JsonSerializerOptions { WriteIndented = true });
            ClientJsonLines.ParseReply(spaced.Replace("\n", " ", StringComparison.Ordinal)).Should().Be(new ClientJsonLines.Reply("stderr", text, null), spaced);
        }

        ClientJsonLines.ParseReply(" { \"exit\" : 3 } ").Should().Be(new ClientJsonLines.Reply("exit", null, 3));
        ClientJsonLines.ParseReply("{\"progress\":\"ignored by the client\"}").Name.Should().Be("progress");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"stdout\":\"unterminated}")]
    [InlineData("{\"stdout\":\"bad escape \\x\"}")]
    [InlineData("{\"stdout\":\"short \\u12\"}")]
    [InlineData("{\"exit\":}")]
    [InlineData("{\"exit\":1.5}")]
    [InlineData("{\"exit\":0} trailing")]
    [InlineData("{\"stdout\":\"a\",\"stderr\":\"b\"}")]
    public void A_reply_that_is_not_one_string_or_integer_property_is_refused(string line)
    {
        var read = () => ClientJsonLines.ParseReply(line);

        read.Should().Throw<FormatException>().WithMessage("reply: *");
    }
}

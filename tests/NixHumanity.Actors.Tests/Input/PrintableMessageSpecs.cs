using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Input;

/// <summary>
/// A message quotes paths, link targets and values typed by someone else; their control characters (a terminal escape
/// sequence, a bell, a bidirectional override) are escaped as <c>\uXXXX</c>, never written raw to the terminal.
/// </summary>
public sealed class PrintableMessageSpecs : IDisposable
{
    private const string Hostile = "\u001b]0;owned\u0007\u001b[31mred\u202e";
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Messages_about_hostile_paths_and_link_targets_escape_their_control_characters()
    {
        var dataDir = _data.File("data");
        var link = _data.File("link");
        File.CreateSymbolicLink(link, "/nonexistent/" + Hostile);
        var loop = _data.File("loop" + Hostile);
        File.CreateSymbolicLink(loop, loop);

        var results = new[]
        {
            await NixhProcess.RunAsync("import", "--data-dir", dataDir, "--user", "rose", _data.File(Hostile)),
            await NixhProcess.RunAsync("record-biometrics", "--data-dir", dataDir, "--user", "rose", "--file", link),
            await NixhProcess.RunAsync("export", "--data-dir", dataDir, "--user", "rose", "--out", Path.Combine(loop, "x")),
            await NixhProcess.RunAsync("record", "--data-dir", dataDir, "--user", "rose", "--session", "s", "--text", "x", "--at", Hostile),
        };

        foreach (var result in results)
        {
            result.ExitCode.Should().Be(2, result.StdErr);
            var line = result.StdErr.TrimEnd('\n');
            line.Should().StartWith("nixh: ").And.NotContain("\n");
            line.Where(c => char.IsControl(c) || c == '\u202e').Should().BeEmpty("control characters are escaped: {0}", line);
        }

        results[0].StdErr.Should().Contain("\\u001B]0;owned\\u0007\\u001B[31mred\\u202E");
        results[3].StdErr.Should().Contain("\\u001B[31m");
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("tab\tshown", "tab\\u0009shown")]
    [InlineData("bell\u0007", "bell\\u0007")]
    [InlineData("emoji \ud83d\ude00 kept", "emoji \ud83d\ude00 kept")]
    [InlineData("c1 \u009b control", "c1 \\u009B control")]
    public void Printable_escapes_control_format_and_lone_surrogate_characters_only(string text, string expected) =>
        NixHumanity.Cli.CliOutput.Printable(text).Should().Be(expected);

    [Fact]
    public void Printable_escapes_a_lone_surrogate() =>
        // Built here: a theory's data would be serialised, and a lone surrogate does not survive that.
        NixHumanity.Cli.CliOutput.Printable("lone " + (char)0xD800 + " surrogate").Should().Be("lone \\uD800 surrogate");
}

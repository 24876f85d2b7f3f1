using System.Text;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Import;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Input;

public sealed class TextCharacterSpecs : IDisposable
{
    private readonly TempDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("ls\u0000rm -rf /", "text: must not contain control characters (U+0000 at position 2)")]
    [InlineData("install \u001b[31mred", "text: must not contain control characters (U+001B at position 8)")]
    [InlineData("bell\u0007", "text: must not contain control characters (U+0007 at position 4)")]
    [InlineData("c1 \u0085 next line", "text: must not contain control characters (U+0085 at position 3)")]
    public void Control_characters_and_broken_unicode_are_refused_naming_where(string text, string message) =>
        InputRules.RequiredText("text", text)!.Message.Should().Be(message);

    [Fact]
    public void A_lone_surrogate_is_refused_naming_where() =>
        // Built in code: a lone surrogate in an attribute argument does not survive the test runner's serialisation.
        InputRules.RequiredText("text", "half " + (char)0xD800 + " a pair")!.Message.Should().Be("text: must be valid Unicode (a lone surrogate U+D800 at position 5)");

    [Theory]
    [InlineData("two\tcolumns")]
    [InlineData("line one\nline two\r\n")]
    [InlineData("install firefox 🦊 für Oma")]
    public void Tabs_line_breaks_and_any_valid_unicode_pass(string text) =>
        InputRules.RequiredText("text", text).Should().BeNull();

    [Fact]
    public void A_learning_json_row_with_a_nul_a_lone_surrogate_or_invalid_utf8_is_skipped_and_the_others_import()
    {
        var path = _folder.File("learning.json");
        var good = "{\"timestamp\":\"2025-06-01T10:00:00Z\",\"input\":\"install vlc\",\"command\":\"nix-env -iA nixpkgs.vlc\",\"success\":true}";
        var nul = "{\"timestamp\":\"2025-06-01T10:01:00Z\",\"input\":\"ls\\u0000rm -rf /\",\"success\":true}";
        var surrogate = "{\"timestamp\":\"2025-06-01T10:02:00Z\",\"input\":\"half \\ud800 pair\",\"success\":true}";
        var prefix = Encoding.UTF8.GetBytes("{\"commandHistory\":[" + good + "," + nul + "," + surrogate + ",{\"timestamp\":\"2025-06-01T10:03:00Z\",\"input\":\"bad ");
        var suffix = Encoding.UTF8.GetBytes(" bytes\",\"success\":true}]}");
        File.WriteAllBytes(path, [.. prefix, 0xC3, 0x28, .. suffix]);

        var plan = ImportFile.Read(path, DateTimeOffset.UtcNow, null, CancellationToken.None);

        plan.Interactions.Select(i => i.Text).Should().Equal("install vlc");
        plan.Problems.Select(p => p.Message).Should().Equal(
            "commandHistory[2].input: must not contain control characters (U+0000 at position 2)",
            "commandHistory[3].input: must be valid Unicode text (no lone surrogate, no invalid UTF-8)",
            "commandHistory[4].input: must be valid Unicode text (no lone surrogate, no invalid UTF-8)");
    }
}

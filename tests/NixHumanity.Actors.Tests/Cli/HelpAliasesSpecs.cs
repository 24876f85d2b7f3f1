using System.CommandLine.Help;
using NixHumanity.Cli;

namespace NixHumanity.Actors.Tests.Cli;

public sealed class HelpAliasesSpecs
{
    [Fact]
    public void The_spelled_out_help_aliases_are_those_of_the_command_line_librarys_help_option()
    {
        var help = new HelpOption();
        string[] spellings = [help.Name, .. help.Aliases];

        spellings.Should().OnlyContain(spelling => HelpAliases.Contains(spelling));
        new[] { "--help", "-h", "-?", "/?", "/h" }.Should().BeEquivalentTo(spellings, "every spelled-out alias is one the library answers to");
        HelpAliases.Contains("--json").Should().BeFalse();
    }
}

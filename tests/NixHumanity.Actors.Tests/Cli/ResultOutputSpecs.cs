using NixHumanity.Actors.Tests.Support;
using NixHumanity.Cli;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>
/// With <c>--json</c> a verb's stdout carries its JSON and nothing else, whoever else prints on <see cref="Console.Out"/>
/// in its process (Akka's standard-out logger, the console logger's stdout side, a library). The console is process-wide,
/// so this runs alone (<see cref="ConsoleCollection"/>).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ResultOutputSpecs
{
    [Fact]
    public void A_line_printed_on_console_out_during_a_json_verb_goes_to_stderr_and_stdout_holds_only_the_json()
    {
        using var console = new CapturedConsole();
        try
        {
            ResultOutput.Reserve(["status", "--data-dir", "/tmp/d", "--user", "ann", "--json"]).Should().BeTrue();

            // What a logger writing to stdout prints while the learner fails (the line seen in a --json status).
            Console.Out.WriteLine("[ERROR][12/02/2026 18:00:00.000Z][Thread 0012][akka://nixh/user/users/ann/learner] learner of ann failed");
            CliOutput.Write(json: true, new { interactions = 1 }, "status");
        }
        finally
        {
            ResultOutput.Release();
        }

        console.StdOut.Should().Be("{\"interactions\":1}" + Environment.NewLine, "--json prints the JSON object alone on stdout");
        console.StdErr.Should().Contain("learner of ann failed", "what else was printed on Console.Out is not lost, it is on stderr");
    }

    [Theory]
    [InlineData("status --user ann")]
    [InlineData("serve --json")]
    [InlineData("--json")]
    [InlineData("record -- --json")]
    [InlineData("status --json --help")]
    [InlineData("search -h --json")]
    [InlineData("stats --json -?")]
    [InlineData("status --json /?")]
    [InlineData("search /h --json")]
    public void Stdout_stays_console_out_without_json_for_serve_without_a_verb_and_for_help(string command)
    {
        var oldOut = Console.Out;
        try
        {
            ResultOutput.Reserve(command.Split(' ')).Should().BeFalse();
            Console.Out.Should().BeSameAs(oldOut);
            ResultOutput.Writer.Should().BeSameAs(oldOut);
        }
        finally
        {
            ResultOutput.Release();
            Console.SetOut(oldOut);
        }
    }
}

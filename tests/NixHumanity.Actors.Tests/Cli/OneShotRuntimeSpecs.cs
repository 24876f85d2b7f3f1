using NixHumanity.Cli;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>Which command lines run without dynamic code in their own process (<see cref="OneShotRuntime"/>, ADR 0042).</summary>
public sealed class OneShotRuntimeSpecs
{
    [Theory]
    [InlineData("status --user maya --json", true)]
    [InlineData("--data-dir /tmp/d --json record --user maya --text x --command ls --outcome success", true)]
    [InlineData("--embedder ngram search --user maya instal", true)]
    [InlineData("--data-dir=/tmp/d query flow --user maya", true)]
    [InlineData("suggest --user maya", true)]
    [InlineData("serve", false)]
    [InlineData("--data-dir /tmp/status serve", false)]
    [InlineData("import --user maya --file history.db", false)]
    [InlineData("export --user maya --output out", false)]
    [InlineData("demo", false)]
    [InlineData("--help", false)]
    [InlineData("-- status", false)]
    public void Only_a_verb_that_answers_one_request_runs_without_dynamic_code(string commandLine, bool without)
    {
        OneShotRuntime.RunsWithoutDynamicCode(commandLine.Split(' ')).Should().Be(without);
    }
}

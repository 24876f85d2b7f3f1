using NixHumanity.Actors.Tests.Support;
using NixHumanity.Sample;

namespace NixHumanity.Actors.Tests.Samples;

/// <summary>
/// The sample host under samples/ runs: the same entry point as <c>dotnet run --project samples/NixHumanity.Sample</c>,
/// in-process (the solution build has built it already).
/// </summary>
public sealed class AssistantSampleSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_sample_host_runs_a_turn_with_the_persons_memory_and_records_it()
    {
        using var output = new StringWriter();

        var exitCode = await AssistantSample.RunAsync([_data.Path], output);

        exitCode.Should().Be(0);
        var text = output.ToString();
        text.Should().Contain("nix-env -iA nixpkgs.ripgrep", "the agent was told what worked before, through the host's own embedder");
        text.Should().Contain("not in flow");
        text.Should().Contain("maya: 2 interactions recorded", "the turn was recorded after the answer");
    }
}

using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// A host stopped inside a process that goes on running (an assistant that stops the library, a test) leaves no store
/// file of its data directory locked: the next process that owns the directory opens every store. The learners' shared
/// DuckDB instance is the process's and outlives the host while another actor system has a learner open, so a
/// stopping node detaches its learner files instead of leaving them to that instance (ADR 0047, amendment).
/// </summary>
public sealed class StoppedHostReleasesFilesSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_host_stopped_while_another_keeps_the_learners_instance_leaves_its_files_to_the_next_process()
    {
        var stopped = Path.Combine(_data.Path, "stopped");
        var other = Path.Combine(_data.Path, "other");
        await using var keeper = ActorTree.Start(other);
        await keeper.RecordAsync("bo", "open firefox", command: "firefox");
        // The other host's learner is open, so the process's learners' instance lives on past the first host's stop.
        await keeper.AskAsync<ProjectionStatus>(new GetLearnerStatus("bo"));

        await using (var tree = ActorTree.Start(stopped))
        {
            var last = (await tree.RecordAsync("maya", "install ripgrep", command: "nix-env -iA nixpkgs.ripgrep")).SequenceNr;
            await Eventually.HoldsAsync(async () =>
            {
                (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("maya"))).LastSequenceNr.Should().Be(last);
                (await tree.AskAsync<ProjectionStatus>(new GetLearnerStatus("maya"))).LastSequenceNr.Should().Be(last);
            });
        }

        // `query flow` opens maya's analytics file in a new process: a file still attached here would be locked.
        var result = await NixhProcess.RunAsync("query", "flow", "--data-dir", stopped, "--user", "maya", "--json");
        result.ExitCode.Should().Be(0, result.StdErr);
        result.StdErr.Should().NotContain("lock");
    }
}

using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// A host stopped inside a process that goes on running (an assistant that stops the library, a test) leaves no store
/// file of its data directory locked: the next process that owns the directory opens every store. A node's learners
/// share a DuckDB instance of its data directory, which closes with the node and every file left attached to it,
/// whatever other actor systems or tools of the process keep open (ADR 0047, amendments).
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

    [Fact]
    public async Task A_nodes_learners_share_an_instance_of_its_data_directory_that_closes_with_the_node()
    {
        var stopped = Path.Combine(_data.Path, "stopped");
        var learners = PerUserDuckDb.LearnersInstanceKey(Path.Combine(stopped, "users"));
        // A learner store opened outside any node (a tool) keeps the process's learners' instance open throughout: the
        // node's learner files must neither attach to it nor stay locked by it.
        using var tool = AnalyticsStore.Open(Path.Combine(_data.Path, "tool", "learner"));

        await using (var tree = ActorTree.Start(stopped))
        {
            var last = (await tree.RecordAsync("maya", "install ripgrep", command: "nix-env -iA nixpkgs.ripgrep")).SequenceNr;
            await Eventually.HoldsAsync(async () =>
                (await tree.AskAsync<ProjectionStatus>(new GetLearnerStatus("maya"))).LastSequenceNr.Should().Be(last));
            OpenInstances().Should().Contain(learners, "the node's learners attach to an instance of its data directory");
        }

        OpenInstances().Should().NotContain(learners, "the instance closed with the node's last learner store, and every file still attached with it");
        var result = await NixhProcess.RunAsync("query", "flow", "--data-dir", stopped, "--user", "maya", "--json");
        result.ExitCode.Should().Be(0, result.StdErr);
        result.StdErr.Should().NotContain("lock");
    }

    private static IEnumerable<string> OpenInstances() => PerUserDuckDb.SharedInstanceMemory().Select(instance => instance.Instance);
}

using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Faults;

/// <summary>
/// kill -9 of a host under load: one process records for many users at once and is killed with SIGKILL at several
/// points; after a restart nothing it acknowledged is lost and every projection has caught up with the journal.
/// </summary>
public sealed class HostKillSpecs : IDisposable
{
    private const int Users = 50;

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Killing_a_host_under_load_loses_no_acknowledged_interaction_and_the_projections_follow_the_journal()
    {
        // Bounds a failure (a host that stops acknowledging), never paces a success: each wait is on printed acks.
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var acknowledged = new List<RecordingHost.Ack>();
        // Kill points: while users are still starting, once every user has records, and after a restart mid-stream.
        foreach (var killAfter in new[] { Users / 2, 2 * Users, 3 * Users })
        {
            using var host = RecordingHost.Start(_data.Path, Users);
            await host.AcknowledgedAsync(killAfter, bound.Token);
            await host.KillAsync();
            acknowledged.AddRange(host.Acks);
        }

        acknowledged.Select(a => a.UserId).Distinct().Should().HaveCountGreaterThanOrEqualTo(Users / 2);
        await using var tree = ActorTree.Start(_data.Path, o => o.AskTimeout = TimeSpan.FromSeconds(60));
        foreach (var user in acknowledged.GroupBy(a => a.UserId))
        {
            await ShowsEveryAcknowledgementAsync(tree, user.Key, [.. user]);
        }
    }

    private static async Task ShowsEveryAcknowledgementAsync(ActorTree tree, string userId, IReadOnlyList<RecordingHost.Ack> acks)
    {
        var history = await tree.Client().ReadSessionHistoryAsync(userId);
        var journaled = history
            .Where(e => e.Event is InteractionRecorded)
            .ToDictionary(e => ((InteractionRecorded)e.Event).InteractionId, e => e.SequenceNr, StringComparer.Ordinal);
        foreach (var ack in acks)
        {
            journaled.Should().Contain(ack.InteractionId, ack.SequenceNr, $"{userId}'s acknowledged interaction is in the journal");
        }

        var commands = history.Select(e => e.Event).OfType<InteractionRecorded>().Select(e => e.Command).Distinct().Count();
        var highest = history.Max(e => e.SequenceNr);
        (await tree.StatusAsync(userId)).SequenceNr.Should().Be(highest);
        await Eventually.HoldsAsync(async () =>
        {
            var memory = await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus(userId));
            memory.LastSequenceNr.Should().Be(highest, $"{userId}'s memory follows the journal");
            var embeddings = await tree.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings(userId));
            embeddings.Commands.Should().HaveCount(commands, $"{userId}'s memory has one row per command");
            embeddings.Commands.Sum(c => c.Attempts).Should().Be(journaled.Count, $"{userId}'s memory counts each interaction once");
            var learner = await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts(userId));
            learner.Checkpoint.Should().Be(highest, $"{userId}'s learner follows the journal");
            learner.Tables["interactions"].Should().Be(journaled.Count, $"{userId}'s analytics hold each interaction once");
        }, TimeSpan.FromSeconds(60));
    }
}

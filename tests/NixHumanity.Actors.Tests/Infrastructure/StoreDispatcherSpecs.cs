using Akka.Actor;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Infrastructure;

/// <summary>
/// The store dispatcher's threads (<see cref="BackgroundThreadsExecutor"/>, ADR 0050): the memories and learners run
/// at a lower priority than the sessions and the journal, and still apply every event exactly once.
/// </summary>
public sealed class StoreDispatcherSpecs : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Store_actors_run_on_threads_nicer_than_the_sessions_and_the_journal()
    {
        var options = new NixHumanityOptions { DataDirectory = _data.Path };
        using var system = ActorSystem.Create("store-dispatcher", NixHumanityConfig.Compose(options));
        var store = system.ActorOf(Props.Create(() => new NiceReporter()).WithDispatcher(UserActor.StoreDispatcher));
        var sessions = system.ActorOf(Props.Create(() => new NiceReporter()));

        var storeNice = await store.Ask<int>("nice?", Timeout);
        var sessionNice = await sessions.Ask<int>("nice?", Timeout);

        storeNice.Should().Be(Math.Min(19, sessionNice + system.Settings.Config.GetInt("nixh.store-dispatcher.thread-nice")));
        storeNice.Should().BeGreaterThan(sessionNice, "an acknowledgement's steps go before a projection's work");
    }

    [Fact]
    public async Task Records_right_after_one_another_are_durable_and_each_applied_once_by_both_projections()
    {
        const int records = 30;
        await using var tree = ActorTree.Start(_data.Path);
        long last = 0;
        for (var i = 0; i < records; i++)
        {
            // Each record is sent the moment the one before is acknowledged, while the projections apply that one.
            last = (await tree.RecordAsync("ann", $"install package{i}", command: $"nix-env -iA nixpkgs.package{i}")).SequenceNr;
        }

        var memory = await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"), Timeout);
        var learner = await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("ann"), Timeout);

        (await tree.StatusAsync("ann")).Interactions.Should().Be(records);
        memory.LastSequenceNr.Should().BeGreaterThanOrEqualTo(last);
        memory.EventsApplied.Should().Be(memory.LastSequenceNr, "a fresh memory applies each event of the journal once");
        memory.Rows.Should().Be(records);
        learner.Checkpoint.Should().Be(memory.LastSequenceNr);
    }

    /// <summary>Answers with the nice value of the thread it runs on (<c>/proc/thread-self/stat</c>, field 19).</summary>
    private sealed class NiceReporter : ReceiveActor
    {
        public NiceReporter() => Receive<string>(_ => Sender.Tell(ThreadNice()));

        private static int ThreadNice()
        {
            var stat = File.ReadAllText("/proc/thread-self/stat");
            // The fields after the command name, which is in parentheses and may hold spaces: state is field 3.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[19 - 3], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

using Akka.Actor;
using Akka.Configuration;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Infrastructure;

/// <summary>
/// The store dispatcher's threads (<see cref="BackgroundThreadsExecutor"/>), in an actor system configured exactly as
/// the host configures it: the memories' and learners' work runs on them at a lower OS priority than the rest.
/// </summary>
public sealed class BackgroundThreadsExecutorSpecs : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Store_dispatcher_actors_run_on_its_two_threads_at_nice_10_and_the_default_dispatcher_keeps_its_priority()
    {
        var system = ActorSystem.Create("nice", NixHumanityConfig.Compose(new NixHumanityOptions { DataDirectory = _data.Path }));
        try
        {
            var normal = (await system.ActorOf(Props.Create(() => new ThreadReporter())).Ask<ThreadReport>("where", Timeout)).Nice;
            var stores = Enumerable.Range(0, 6)
                .Select(_ => system.ActorOf(Props.Create(() => new ThreadReporter()).WithDispatcher(UserActor.StoreDispatcher)))
                .ToArray();
            var reports = await Task.WhenAll(stores.Select(store => store.Ask<ThreadReport>("where", Timeout)));

            reports.Select(report => report.Nice).Should().AllBeEquivalentTo(10);
            reports.Select(report => report.Thread).Distinct().Should().HaveCountLessThanOrEqualTo(2).And.OnlyContain(name => name.StartsWith(UserActor.StoreDispatcher, StringComparison.Ordinal));
            normal.Should().NotBe(10, "only the store dispatcher's threads are lowered");
        }
        finally
        {
            await system.Terminate().WaitAsync(Timeout);
        }
    }

    [Fact]
    public void A_thread_count_below_one_or_a_nice_value_outside_0_to_19_is_refused_naming_the_key()
    {
        var act = () => new BackgroundThreadsExecutor(ConfigurationFactory.ParseString("background-threads.nice = 20"), null!);
        act.Should().Throw<ConfigurationException>().WithMessage("background-threads.nice: must be from 0 to 19, was 20");
        var none = () => new BackgroundThreadsExecutor(ConfigurationFactory.ParseString("background-threads.thread-count = 0"), null!);
        none.Should().Throw<ConfigurationException>().WithMessage("background-threads.thread-count: must be at least 1, was 0");
    }

    private sealed record ThreadReport(int? Nice, string Thread);

    private sealed class ThreadReporter : ReceiveActor
    {
        public ThreadReporter() => ReceiveAny(_ => Sender.Tell(new ThreadReport(ThreadNice.Current(), System.Threading.Thread.CurrentThread.Name ?? "")));
    }
}

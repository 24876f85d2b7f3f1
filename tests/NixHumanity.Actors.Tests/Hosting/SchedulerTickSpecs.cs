using Akka.Actor;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// How often Akka's scheduler wakes to look for due timers: every 100 ms in a long-running single-process host (the
/// library's shortest timer is 100 ms; an idle owner no longer wakes 100 times a second); Akka's own 10 ms in a verb's
/// own short host (components started on demand) and on a cluster node.
/// Read from the settings of an actor system built from the composed configuration, which is what its scheduler reads.
/// </summary>
public sealed class SchedulerTickSpecs
{
    [Fact]
    public void A_long_running_single_process_ticks_every_100_ms()
    {
        using var system = ActorSystem.Create("tick", NixHumanityConfig.Compose(new NixHumanityOptions { DataDirectory = "/tmp/unused" }));

        system.Settings.Config.GetTimeSpan("akka.scheduler.tick-duration", null).Should().Be(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_verbs_own_host_keeps_akkas_10_ms_tick()
    {
        using var system = ActorSystem.Create("tick", NixHumanityConfig.Compose(new NixHumanityOptions { DataDirectory = "/tmp/unused", StartComponentsOnDemand = true }));

        system.Settings.Config.GetTimeSpan("akka.scheduler.tick-duration", null).Should().Be(TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public void A_cluster_node_keeps_akkas_10_ms_tick()
    {
        var options = new NixHumanityOptions
        {
            DataDirectory = "/tmp/unused",
            JournalProvider = JournalProvider.Postgres,
            ConnectionString = "Host=localhost;Database=nixh;Username=nixh",
            Cluster = new ClusterModeOptions { Enabled = true, SeedNodes = ["akka.tcp://nix-humanity@host-a:4053"] },
        };
        using var system = ActorSystem.Create("tick", NixHumanityConfig.Compose(options));

        system.Settings.Config.GetTimeSpan("akka.scheduler.tick-duration", null).Should().Be(TimeSpan.FromMilliseconds(10));
    }
}

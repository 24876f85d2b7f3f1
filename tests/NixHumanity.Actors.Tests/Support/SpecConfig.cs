namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Configuration of behavioural specs (one actor alone, neighbours as probes): an in-memory journal and snapshot
/// store, so nothing touches SQLite or the disk, and the virtual scheduler, so timers (receive timeouts, back-off)
/// fire only when a spec advances <c>((TestScheduler)Sys.Scheduler)</c>.
/// </summary>
public static class SpecConfig
{
    /// <summary>The HOCON of a behavioural spec.</summary>
    public const string Hocon = """
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = 0
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.persistence.journal.plugin = "akka.persistence.journal.gated"
        akka.persistence.journal.gated {
          class = "NixHumanity.Actors.Tests.Support.GatedMemoryJournal, NixHumanity.Actors.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        # Replies come from real threads on a shared 2-core machine: a generous bound, never a pacing delay.
        akka.test.single-expect-default = 15s
        # The projections' mailbox, as hocon/akka.conf configures it (status requests go ahead of the queue).
        nixh.projection-mailbox.mailbox-type = "NixHumanity.Actors.Projections.ProjectionMailbox, NixHumanity.Actors"
        """;
}

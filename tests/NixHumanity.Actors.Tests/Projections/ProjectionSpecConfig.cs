namespace NixHumanity.Actors.Tests.Projections;

/// <summary>Configuration of the projection specs: no journal needed (the journal is a list), virtual time.</summary>
internal static class ProjectionSpecConfig
{
    public const string Hocon = """
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = 0
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.test.single-expect-default = 15s
        """;
}

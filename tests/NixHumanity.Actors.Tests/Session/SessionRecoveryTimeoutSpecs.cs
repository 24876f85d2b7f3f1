using Akka.Actor;
using Akka.TestKit;
using Microsoft.Extensions.Time.Testing;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Session;

/// <summary>
/// A journal that does not answer a recovery within its bound (<c>NixHumanityOptions.JournalTimeout</c>, rendered as the
/// plugin's <c>recovery-event-timeout</c>) fails the recovery, and the requests waiting for it are answered at once with
/// a message that says so. Virtual time: the bound passes when the spec advances the scheduler, never on the wall clock.
/// </summary>
public sealed class SessionRecoveryTimeoutSpecs : Akka.TestKit.Xunit2.TestKit
{
    public SessionRecoveryTimeoutSpecs()
        : base("akka.persistence.journal.gated.recovery-event-timeout = 90s\n" + SpecConfig.Hocon)
    {
    }

    [Fact]
    public async Task A_recovery_the_journal_does_not_answer_within_its_bound_is_answered_unavailable_naming_the_bound()
    {
        var gate = JournalGate.For(Sys);
        gate.CloseRecovery();
        var session = Sys.ActorOf(SessionActor.Props(
            "maya", new SessionSettings(new FlowOptions(), 1000), new FakeTimeProvider(), CreateTestProbe().Ref, CreateTestProbe().Ref));
        Watch(session);
        await gate.RecoveryHeld;
        var waiting = CreateTestProbe();
        session.Tell(new RecordInteraction("maya", "s1", "install vim", "nix-env -iA nixpkgs.vim"), waiting.Ref);

        // Akka checks for progress once per bound: the second check without an event gives up.
        var scheduler = (TestScheduler)Sys.Scheduler;
        scheduler.Advance(TimeSpan.FromSeconds(91));
        scheduler.Advance(TimeSpan.FromSeconds(91));

        var unavailable = waiting.ExpectMsg<TemporarilyUnavailable>();
        unavailable.Component.Should().Be("session");
        unavailable.Reason.Should().StartWith("the journal did not answer within 90 s while reading it");
        unavailable.Reason.Should().NotContain("Exception");
        ExpectTerminated(session);
        gate.FailHeldRecoveryWith(new InvalidOperationException("released after the spec"));
    }
}

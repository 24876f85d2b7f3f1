using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Session;

/// <summary>A journal write that fails is answered at once, with the reason, instead of leaving the caller to time out.</summary>
public sealed class SessionWriteFailureSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    public SessionWriteFailureSpecs()
        : base(SpecConfig.Hocon)
    {
    }

    private IActorRef Start() => Sys.ActorOf(SessionActor.Props(
        "maya", new SessionSettings(new FlowOptions(), 1000), new FakeTimeProvider(T0), CreateTestProbe().Ref, CreateTestProbe().Ref));

    [Fact]
    public void A_record_on_a_full_disk_is_answered_disk_full_at_once_and_nothing_is_acknowledged()
    {
        var session = Start();
        Watch(session);
        JournalGate.For(Sys).FailNextWith(new IOException("No space left on device"));

        session.Tell(new RecordInteraction("maya", "s1", "install vim", "nix-env -iA nixpkgs.vim"));

        var unavailable = ExpectMsg<TemporarilyUnavailable>();
        unavailable.Component.Should().Be("session");
        unavailable.DiskFullPath.Should().NotBeNull();
        unavailable.Reason.Should().Contain("disk full");
        ExpectTerminated(session);
    }

    [Fact]
    public void Any_other_failed_write_is_answered_unavailable_with_its_reason()
    {
        var session = Start();
        JournalGate.For(Sys).FailNextWith(new InvalidOperationException("connection reset"));

        session.Tell(new RecordInteraction("maya", "s1", "install vim", "nix-env -iA nixpkgs.vim"));

        var unavailable = ExpectMsg<TemporarilyUnavailable>();
        unavailable.DiskFullPath.Should().BeNull();
        unavailable.Reason.Should().Contain("connection reset");
    }
}

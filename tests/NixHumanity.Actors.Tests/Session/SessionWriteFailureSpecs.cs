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

    [Theory]
    [InlineData("No space left on device", true)]
    [InlineData("connection reset", false)]
    public async Task Requests_queued_behind_a_failed_write_are_all_answered_at_once_and_none_is_in_the_journal(string failure, bool diskFull)
    {
        var session = Start();
        Watch(session);
        var gate = JournalGate.For(Sys);
        gate.Close();
        var first = CreateTestProbe();
        session.Tell(new RecordInteraction("maya", "s1", "install vim", "nix-env -iA nixpkgs.vim"), first.Ref);
        await gate.WriteHeld;

        // Sent while the first write is pending: Akka.Persistence holds them in its internal stash.
        object[] queued =
        [
            new RecordInteraction("maya", "s1", "install git", "nix-env -iA nixpkgs.git"),
            new RecordInteraction("maya", "s1", "install jq", "nix-env -iA nixpkgs.jq"),
            new RecordNotification("maya", "system-update"),
            new GetSessionStatus("maya"),
            new ImportHistory("maya", "old.db", [], [], []),
            new RecordInteraction("maya", "s2", "list generations", "nixos-rebuild list-generations"),
        ];
        var waiting = queued.Select(request =>
        {
            var probe = CreateTestProbe();
            session.Tell(request, probe.Ref);
            return probe;
        }).ToList();
        gate.FailHeldWith(diskFull ? new IOException(failure) : new InvalidOperationException(failure));

        foreach (var probe in waiting.Prepend(first))
        {
            var unavailable = probe.ExpectMsg<TemporarilyUnavailable>();
            unavailable.Component.Should().Be("session");
            unavailable.Reason.Should().Contain(diskFull ? "disk full" : failure);
            (unavailable.DiskFullPath is not null).Should().Be(diskFull);
        }

        ExpectTerminated(session);
        var again = Start();
        again.Tell(new GetSessionStatus("maya"));
        var status = ExpectMsg<SessionStatus>();
        status.Interactions.Should().Be(0, "nothing that was answered unavailable is in the journal");
        status.Notifications.Should().Be(0);
        status.SequenceNr.Should().Be(0);
    }

    [Fact]
    public async Task Requests_that_arrived_while_the_journal_was_being_read_are_answered_with_the_read_failure()
    {
        var gate = JournalGate.For(Sys);
        gate.CloseRecovery();
        var session = Start();
        Watch(session);
        await gate.RecoveryHeld;

        // Sent while the recovery is pending: Akka.Persistence holds them in its internal stash.
        object[] queued =
        [
            new RecordInteraction("maya", "s1", "install vim", "nix-env -iA nixpkgs.vim"),
            new RecordNotification("maya", "system-update"),
            new GetSessionStatus("maya"),
        ];
        var waiting = queued.Select(request =>
        {
            var probe = CreateTestProbe();
            session.Tell(request, probe.Ref);
            return probe;
        }).ToList();
        gate.FailHeldRecoveryWith(new InvalidOperationException("database is locked"));

        foreach (var probe in waiting)
        {
            var unavailable = probe.ExpectMsg<TemporarilyUnavailable>();
            unavailable.Component.Should().Be("session");
            unavailable.Reason.Should().Be("reading the journal failed (database is locked)");
            unavailable.DiskFullPath.Should().BeNull();
        }

        ExpectTerminated(session);
        var again = Start();
        again.Tell(new GetSessionStatus("maya"));
        ExpectMsg<SessionStatus>().SequenceNr.Should().Be(0, "nothing that was answered unavailable is in the journal");
    }
}

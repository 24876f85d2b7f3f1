using Akka.Actor;
using Akka.Pattern;
using Akka.TestKit;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

/// <summary>
/// A request that reaches a component of a user's tree after it stopped, in the window before its back-off supervisor
/// has seen it terminate (the supervisor forwards to the stopped child, and the request becomes a dead letter), is
/// answered <see cref="TemporarilyUnavailable"/> at once instead of timing out. The session is real (its journal write
/// is held and then failed); memory and learner are stand-ins that stop. Virtual time: nothing restarts until a spec
/// advances the scheduler.
/// </summary>
public sealed class StoppedComponentSpecs : Akka.TestKit.Xunit2.TestKit
{
    // Generous: on the old code these asks were never answered, so the spec fails by this timeout, not by a pace.
    private static readonly TimeSpan AskLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly TestProbe _children;

    public StoppedComponentSpecs()
        : base(SpecConfig.Hocon)
    {
        _children = CreateTestProbe("children");
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>Maya's tree with the real session; returns the user actor.</summary>
    private IActorRef StartTree()
    {
        var settings = SpecUserSettings.With(minBackoff: TimeSpan.FromSeconds(1), maxBackoff: MaxBackoff);
        var children = new UserChildren(
            (_, _, _, _) => StandIn.Props("memory", _children),
            (_, _, _, _, _) => StandIn.Props("learner", _children),
            (userId, s, clock, memory, learner, _) => SessionActor.Props(userId, s.Session, clock, memory, learner));
        var tree = Sys.ActorOf(UserActor.Props("maya", settings, TimeProvider.System, children), "user-maya");
        _children.ReceiveN(2).Should().AllBeOfType<StandInStarted>();
        return tree;
    }

    private Task<IActorRef> ResolveAsync(ActorPath path) => Sys.ActorSelection(path).ResolveOne(AskLimit);

    [Theory]
    [InlineData("memory")]
    [InlineData("learner")]
    public async Task A_status_a_projection_sent_to_the_back_of_its_mailbox_is_answered_for_that_projection_when_it_stopped(string component)
    {
        StoppedTargetAnswers.Get(Sys);
        IProgressRequest status = component == "memory" ? new GetMemoryStatus("maya") : new GetLearnerStatus("maya");

        // What is left of a status the projection re-sent behind its queue when it stopped before it came round.
        var answer = await Sys.DeadLetters.Ask<object>(new ProgressAfterQueue(status), AskLimit);

        answer.Should().Be(new TemporarilyUnavailable("maya", component, StoppedTargetAnswers.Reason));
    }

    [Fact]
    public async Task A_request_that_reaches_the_session_after_its_write_failed_is_answered_unavailable_and_nothing_is_journaled()
    {
        var tree = StartTree();
        var session = await ResolveAsync(tree.Path / "session" / "session");
        Watch(session);
        var gate = JournalGate.For(Sys);
        gate.Close();
        var failed = tree.Ask<object>(new RecordInteraction("maya", "s1", "install vim", "nix-env -iA nixpkgs.vim"), AskLimit);
        await gate.WriteHeld;

        gate.FailHeldWith(new IOException("No space left on device"));
        // Sent once the failure is on its way: it lands in the session's stash, in its mailbox behind the stop, or on
        // the stopped actor; whichever, it is answered.
        var racing = session.Ask<object>(new RecordInteraction("maya", "s1", "install git", "nix-env -iA nixpkgs.git"), AskLimit);
        ExpectTerminated(session);
        // What the back-off supervisor does with a request before it has seen its child terminate: forward it to the
        // stopped child.
        var late = session.Ask<object>(new GetSessionStatus("maya"), AskLimit);

        (await failed).Should().BeOfType<TemporarilyUnavailable>().Which.DiskFullPath.Should().NotBeNull();
        (await racing).Should().BeOfType<TemporarilyUnavailable>().Which.Component.Should().Be("session");
        var answer = (await late).Should().BeOfType<TemporarilyUnavailable>().Subject;
        answer.Should().Be(new TemporarilyUnavailable("maya", "session", StoppedTargetAnswers.Reason));

        AwaitChildDown(await ResolveAsync(tree.Path / "session"));
        Scheduler.Advance(MaxBackoff * 2);
        var status = (await tree.Ask<object>(new GetSessionStatus("maya"), AskLimit)).Should().BeOfType<SessionStatus>().Subject;
        status.Interactions.Should().Be(0, "no request that was answered unavailable is in the journal");
        status.SequenceNr.Should().Be(0);
    }

    /// <summary>Returns once the back-off supervisor has seen its child stop (and scheduled its start on virtual time).</summary>
    private void AwaitChildDown(IActorRef supervisor)
    {
        var probe = CreateTestProbe();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            supervisor.Tell(BackoffSupervisor.GetCurrentChild.Instance, probe);
            if (probe.ExpectMsg<BackoffSupervisor.CurrentChild>().Ref is null or Nobody)
            {
                return;
            }
        }

        throw new InvalidOperationException("the supervisor never noticed its child stopped");
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("learner")]
    public async Task A_request_that_reaches_a_stopped_projection_is_answered_unavailable(string component)
    {
        var tree = StartTree();
        var child = await ResolveAsync(tree.Path / component / component);
        Watch(child);
        child.Tell(StopGracefully.Instance);
        ExpectTerminated(child);

        IUserMessage request = component == "memory" ? new SearchMemory("maya", "vim") : new GetPreferences("maya");
        var answer = await child.Ask<object>(request, AskLimit);

        answer.Should().Be(new TemporarilyUnavailable("maya", component, StoppedTargetAnswers.Reason));
    }

    [Fact]
    public async Task Only_asks_for_a_user_tree_that_nobody_answered_yet_are_answered()
    {
        var answers = StoppedTargetAnswers.Get(Sys);
        var asker = await CreateAskerAsync();
        var request = new GetLearnerStatus("maya");

        answers.AnswerFor(request, asker).Should().Be(new TemporarilyUnavailable("maya", "learner", StoppedTargetAnswers.Reason));
        answers.AnswerFor(request, TestActor).Should().BeNull("an actor that told a request does not wait for an answer");
        answers.AnswerFor(request, ActorRefs.NoSender).Should().BeNull();
        answers.AnswerFor("not a request", asker).Should().BeNull();
        answers.MarkAnswered(request);
        answers.AnswerFor(request, asker).Should().BeNull("the stopped actor answered it itself");
        answers.AnswerFor(new GetLearnerStatus("maya"), asker).Should().NotBeNull("requests are known by reference");
    }

    /// <summary>The temporary actor an ask replies to, as the answerer sees it.</summary>
    private Task<IActorRef> CreateAskerAsync()
    {
        var echo = Sys.ActorOf(Props.Create(() => new SenderEcho()));
        return echo.Ask<IActorRef>("who", AskLimit);
    }

    private sealed class SenderEcho : ReceiveActor
    {
        public SenderEcho() => ReceiveAny(_ => Sender.Tell(Sender));
    }
}

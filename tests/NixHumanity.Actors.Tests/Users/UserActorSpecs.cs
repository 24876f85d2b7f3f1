using Akka.Actor;
using Akka.Pattern;
using Akka.TestKit;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

/// <summary>
/// The user supervisor alone: stand-ins for session, memory and learner, a probe as its directory, and virtual
/// time for back-off and passivation. The real tree is in <see cref="SupervisionIntegrationSpecs"/> and
/// <see cref="PassivationIntegrationSpecs"/>.
/// </summary>
public sealed class UserActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Passivation = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly TestProbe _children;
    private readonly TestProbe _directory;

    public UserActorSpecs()
        : base(SpecConfig.Hocon)
    {
        _children = CreateTestProbe("children");
        _directory = CreateTestProbe("directory");
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>Starts maya's tree under a step parent (so <see cref="PassivateUser"/> reaches the directory probe).</summary>
    private IActorRef StartTree(TimeSpan? passivation = null)
    {
        var children = new UserChildren(
            (_, _, _, _) => StandIn.Props("memory", _children),
            (_, _, _, _, _) => StandIn.Props("learner", _children),
            (_, _, _, _, _, _) => StandIn.Props("session", _children));
        var settings = SpecUserSettings.With(passivation ?? Passivation, MinBackoff, MaxBackoff);
        var parent = Sys.ActorOf(StepParent.Props(UserActor.Props("maya", settings, TimeProvider.System, children), "user-maya", _directory));
        _children.ReceiveN(3).Should().AllBeOfType<StandInStarted>();
        return parent;
    }

    /// <summary>Returns once <paramref name="actor"/> has handled everything sent to it before (and re-armed its timers).</summary>
    private void Settled(IActorRef actor)
    {
        var probe = CreateTestProbe();
        actor.Tell(new Identify("settled"), probe);
        probe.ExpectMsg<ActorIdentity>();
    }

    private IActorRef Supervisor(IActorRef parent, string child) => Resolve(parent.Path / "user-maya" / child);

    private IActorRef UserActorUnder(IActorRef parent) => Resolve(parent.Path / "user-maya");

    private IActorRef Resolve(ActorPath path) => Sys.ActorSelection(path).ResolveOne(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();

    /// <summary>
    /// Waits until the back-off supervisor has seen its child stop: the child's own stop is reported first, and the
    /// supervisor learns of it through a message queued behind anything already sent, so ask it until it says so.
    /// </summary>
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

    [Fact]
    public void Each_message_goes_to_the_child_that_owns_it_with_the_original_sender()
    {
        var tree = StartTree();
        var caller = CreateTestProbe();
        var published = new SessionEventPublished("maya", 7, new FlowStarted(0.8, DateTimeOffset.UnixEpoch));

        tree.Tell(new SessionPing("maya"), caller);
        tree.Tell(new MemoryPing("maya"), caller);
        tree.Tell(new LearnerPing("maya"), caller);
        tree.Tell(published, caller);

        var received = _children.ReceiveN(5).Cast<StandInReceived>().ToList();
        received.Where(r => r.Name == "session").Select(r => r.Message).Should().Equal(new SessionPing("maya"));
        received.Where(r => r.Name == "memory").Select(r => r.Message).Should().Equal(new MemoryPing("maya"), published);
        received.Where(r => r.Name == "learner").Select(r => r.Message).Should().Equal(new LearnerPing("maya"), published);
        _children.LastSender.Should().Be(caller.Ref);
    }

    [Fact]
    public void A_child_that_throws_is_restarted_after_its_back_off_and_until_then_its_commands_get_TemporarilyUnavailable()
    {
        var tree = StartTree();
        var caller = CreateTestProbe();
        var memory = Supervisor(tree, "memory");

        memory.Tell(Crash.Instance);
        _children.ExpectMsg<StandInStopped>().Name.Should().Be("memory");
        AwaitChildDown(memory);
        tree.Tell(new MemoryPing("maya", 1), caller);
        var whileDown = caller.ExpectMsg<TemporarilyUnavailable>();
        // Just short of the shortest back-off: no restart yet.
        Scheduler.Advance(MinBackoff - TimeSpan.FromMilliseconds(1));
        tree.Tell(new MemoryPing("maya", 2), caller);
        var stillDown = caller.ExpectMsg<TemporarilyUnavailable>();
        tree.Tell(new SessionPing("maya", 3), caller);
        var sessionMeanwhile = _children.ExpectMsg<StandInReceived>();
        // The back-off is the minimum stretched by up to the 20 % random factor.
        Scheduler.Advance(MinBackoff * 0.25);
        var restarted = _children.ExpectMsg<StandInStarted>();
        tree.Tell(new MemoryPing("maya", 4), caller);

        whileDown.Should().Be(new TemporarilyUnavailable("maya", "memory"));
        stillDown.Should().Be(whileDown);
        sessionMeanwhile.Should().Be(new StandInReceived("session", new SessionPing("maya", 3)), "the other children are not affected");
        restarted.Name.Should().Be("memory");
        _children.ExpectMsg<StandInReceived>().Should().Be(new StandInReceived("memory", new MemoryPing("maya", 4)));
    }

    [Fact]
    public void An_idle_tree_asks_its_directory_to_passivate_it_after_the_receive_timeout()
    {
        var tree = StartTree();
        tree.Tell(new SessionPing("maya"));
        _children.ExpectMsg<StandInReceived>();
        Settled(UserActorUnder(tree));

        Scheduler.Advance(Passivation + TimeSpan.FromSeconds(1));

        _directory.ExpectMsg<PassivateUser>().Should().Be(new PassivateUser("maya"));
    }

    [Fact]
    public void A_busy_tree_is_not_passivated()
    {
        // Moved here from the full tree, where it paced requests with wall-clock delays: a request every 90 % of the
        // timeout, for far longer than the timeout in total, never leaves the tree idle for the timeout.
        var tree = StartTree();
        var user = UserActorUnder(tree);
        for (var i = 0; i < 40; i++)
        {
            tree.Tell(new SessionPing("maya", i));
            _children.ExpectMsg<StandInReceived>();
            Settled(user);
            Scheduler.Advance(Passivation * 0.9);
        }

        // Anything the tree told its parent is now queued at the directory probe, ahead of this probe's answer.
        Settled(user);
        Settled(tree);
        Settled(_directory.Ref);
        _directory.HasMessages.Should().BeFalse("a tree that was never idle for the timeout does not ask to be passivated");
        Scheduler.Advance(Passivation);
        _directory.ExpectMsg<PassivateUser>(hint: "once it goes quiet it does");
    }

    [Fact]
    public void StopUserTree_stops_the_session_first_then_the_projection_owners_then_the_tree()
    {
        var tree = StartTree();
        var user = UserActorUnder(tree);
        Watch(user);

        tree.Tell(StopUserTree.Instance);

        // Each child reports the stop order it received and its own stop: six reports in all.
        var sequence = _children.ReceiveN(6).ToList();
        ExpectTerminated(user);

        var stopOrders = sequence.OfType<StandInReceived>().Where(r => r.Message is StopGracefully).Select(r => r.Name).ToList();
        stopOrders.Should().HaveCount(3);
        stopOrders[0].Should().Be("session");
        stopOrders.Skip(1).Should().BeEquivalentTo("memory", "learner");
        sequence.IndexOf(new StandInStopped("session")).Should().BeLessThan(sequence.IndexOf(new StandInReceived("memory", StopGracefully.Instance)),
            "the projection owners are told to stop only after every event the session published is queued for them");
        sequence.OfType<StandInStopped>().Select(s => s.Name).Should().BeEquivalentTo("session", "memory", "learner");
    }
}

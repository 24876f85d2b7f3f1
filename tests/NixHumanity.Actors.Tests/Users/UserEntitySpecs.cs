using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

/// <summary>
/// The sharded entity of cluster mode alone: a stand-in for the user's tree, a probe in place of the shard. The
/// entity on a real cluster is in <c>Cluster/ClusterModeSpecs</c>.
/// </summary>
public sealed class UserEntitySpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _trees;
    private readonly TestProbe _shard;
    private readonly TestProbe _caller;

    public UserEntitySpecs()
        : base(SpecConfig.Hocon)
    {
        _trees = CreateTestProbe("trees");
        _shard = CreateTestProbe("shard");
        _caller = CreateTestProbe("caller");
    }

    /// <summary>
    /// Starts the entity of ann under a step parent standing in for the shard, and its tree with a first message (the
    /// tree is created on the user's first message); returns the parent, the entity and the tree.
    /// </summary>
    private (IActorRef Parent, IActorRef Entity, IActorRef Tree) StartEntity(bool holdStop = false, Func<string, Task<ForgetReport>>? forget = null)
    {
        var entityProps = forget is null
            ? UserEntity.Props("ann", id => TreeStandIn.Props(id, _trees, holdStop))
            : UserEntity.Props("ann", id => TreeStandIn.Props(id, _trees, holdStop), forget);
        var parent = Sys.ActorOf(StepParent.Props(entityProps, "ann", _shard));
        var first = new GetSessionStatus("ann");
        parent.Tell(first, _caller);
        var tree = _trees.ExpectMsg<TreeStarted>().Tree;
        _trees.ExpectMsg<TreeReceived>().Message.Should().BeSameAs(first);
        return (parent, Identify(Sys.ActorSelection(parent.Path / "ann")), tree);
    }

    private IActorRef Identify(ActorSelection selection)
    {
        selection.Tell(new Identify("entity"), _caller);
        return _caller.ExpectMsg<ActorIdentity>().Subject;
    }

    [Fact]
    public void A_message_for_the_user_reaches_the_tree_with_the_original_sender()
    {
        var (parent, _, _) = StartEntity();
        var status = new GetSessionStatus("ann");

        parent.Tell(status, _caller);

        _trees.ExpectMsg<TreeReceived>().Message.Should().BeSameAs(status);
        _trees.LastSender.Should().Be(_caller.Ref);
    }

    [Fact]
    public void An_idle_tree_asks_the_shard_to_passivate_it_with_the_graceful_stop_as_stop_message()
    {
        var (_, entity, _) = StartEntity();

        entity.Tell(new PassivateUser("ann"));

        _shard.ExpectMsg<Passivate>().StopMessage.Should().Be(StopUserTree.Instance);
    }

    [Fact]
    public void The_stop_message_stops_the_tree_through_its_mailbox_and_the_entity_only_once_the_tree_has_stopped()
    {
        var (_, entity, tree) = StartEntity(holdStop: true);
        Watch(entity);

        entity.Tell(StopUserTree.Instance);

        _trees.ExpectMsg<TreeAskedToStop>();
        // Handled after the stop message: the entity still answers while its tree finishes the work it accepted.
        Identify(Sys.ActorSelection(entity.Path)).Should().Be(entity);
        tree.Tell(FinishStopping.Instance);
        ExpectTerminated(entity);
    }

    [Fact]
    public void A_forget_for_a_user_who_is_not_running_erases_without_starting_the_tree()
    {
        var treesMade = 0;
        var parent = Sys.ActorOf(StepParent.Props(
            UserEntity.Props("ann", id =>
            {
                Interlocked.Increment(ref treesMade);
                return TreeStandIn.Props(id, _trees);
            }, id => Task.FromResult(Report(id))),
            "ann",
            _shard));

        parent.Tell(new ForgetUser("ann"), _caller);

        _caller.ExpectMsg<UserForgotten>().Report.UserId.Should().Be("ann");
        Volatile.Read(ref treesMade).Should().Be(0, "a forget alone starts no session recovery and no projection catch-up");
    }

    [Fact]
    public void A_forget_stops_the_running_tree_first_holds_new_messages_and_delivers_them_to_a_fresh_tree_afterwards()
    {
        var erasures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var erased = new TaskCompletionSource<ForgetReport>();
        var (parent, _, tree) = StartEntity(holdStop: true, forget: id =>
        {
            erasures.Enqueue(id);
            return erased.Task;
        });
        Watch(tree);

        parent.Tell(new ForgetUser("ann"), _caller);
        _trees.ExpectMsg<TreeAskedToStop>();
        var during = new GetSessionStatus("ann");
        parent.Tell(during, _caller);
        parent.Tell(new ForgetUser("ann"), _caller);
        _caller.ExpectMsg<CommandRejected>().Should().Be(new CommandRejected("userId", UserEntity.AlreadyForgetting));
        erasures.Should().BeEmpty("nothing is erased while the tree still runs");

        tree.Tell(FinishStopping.Instance);
        ExpectTerminated(tree);
        AwaitCondition(() => erasures.Count == 1, TimeSpan.FromSeconds(30));
        erased.SetResult(Report("ann"));

        _caller.ExpectMsg<UserForgotten>(TimeSpan.FromSeconds(30));
        _trees.ExpectMsg<TreeStarted>(TimeSpan.FromSeconds(30)).Tree.Should().NotBe(tree, "the held message starts a fresh tree");
        _trees.ExpectMsg<TreeReceived>().Message.Should().BeSameAs(during);
    }

    [Fact]
    public void A_hand_off_asked_during_a_forget_answers_the_held_messages_unavailable_once_the_erasure_is_done()
    {
        var erasures = 0;
        var erased = new TaskCompletionSource<ForgetReport>();
        var (parent, entity, _) = StartEntity(forget: _ =>
        {
            Interlocked.Increment(ref erasures);
            return erased.Task;
        });
        Watch(entity);
        var held = CreateTestProbe("held");

        parent.Tell(new ForgetUser("ann"), _caller);
        _trees.ExpectMsg<TreeAskedToStop>();
        AwaitCondition(() => Volatile.Read(ref erasures) == 1, TimeSpan.FromSeconds(30));
        parent.Tell(new GetSessionStatus("ann"), held);
        // The shard's hand-off stop message arrives while the erasure runs.
        parent.Tell(StopUserTree.Instance);
        // A barrier: a second forget is answered only after the entity has taken everything sent before it.
        parent.Tell(new ForgetUser("ann"), _caller);
        _caller.ExpectMsg<CommandRejected>().Should().Be(new CommandRejected("userId", UserEntity.AlreadyForgetting));
        erased.SetResult(Report("ann"));

        _caller.ExpectMsg<UserForgotten>(TimeSpan.FromSeconds(30));
        held.ExpectMsg<TemporarilyUnavailable>(TimeSpan.FromSeconds(30))
            .Should().Be(new TemporarilyUnavailable("ann", "session", UserEntity.MovedDuringForget), "the held caller learns at once to send again");
        ExpectTerminated(entity, TimeSpan.FromSeconds(30));
    }

    private static ForgetReport Report(string userId) => new(userId, 0, 0, 0, 0, 0, []);
}

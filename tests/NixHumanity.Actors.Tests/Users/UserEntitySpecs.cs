using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
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

    /// <summary>Starts the entity of ann under a step parent standing in for the shard; returns the parent and the entity.</summary>
    private (IActorRef Parent, IActorRef Entity, IActorRef Tree) StartEntity(bool holdStop = false)
    {
        var parent = Sys.ActorOf(StepParent.Props(UserEntity.Props("ann", id => TreeStandIn.Props(id, _trees, holdStop)), "ann", _shard));
        var tree = _trees.ExpectMsg<TreeStarted>().Tree;
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
}

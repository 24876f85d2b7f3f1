using Akka.Actor;
using Akka.TestKit;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Forget;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

/// <summary>
/// The directory alone: stand-ins for the user trees and a stub eraser. The real trees are in
/// <see cref="PassivationIntegrationSpecs"/> and the forget specs.
/// </summary>
public sealed class UserDirectorySpecs : Akka.TestKit.Xunit2.TestKit
{
    private const string IdRule = "must match [A-Za-z0-9_-]{1,64}";
    private readonly TestProbe _trees;
    private readonly TestProbe _caller;
    private readonly List<string> _erased = [];
    private TaskCompletionSource<ForgetReport>? _erasure;
    private bool _holdStop;

    public UserDirectorySpecs()
        : base(SpecConfig.Hocon)
    {
        _trees = CreateTestProbe("trees");
        _caller = CreateTestProbe("caller");
    }

    private IActorRef StartDirectory() =>
        Sys.ActorOf(UserDirectory.Props(userId => TreeStandIn.Props(userId, _trees, _holdStop), Erase));

    private Task<ForgetReport> Erase(string userId)
    {
        lock (_erased)
        {
            _erased.Add(userId);
        }

        return _erasure?.Task ?? Task.FromResult(Report(userId));
    }

    private static ForgetReport Report(string userId) => new(userId, 3, 1, 0, 2, 100, ["journal", "memory"]);

    private IReadOnlyList<string> ActiveUsers(IActorRef directory)
    {
        directory.Tell(GetActiveUsers.Instance, _caller);
        return _caller.ExpectMsg<ActiveUsers>().UserIds;
    }

    /// <summary>Starts a user's tree with a first message and returns the tree.</summary>
    private IActorRef Touch(IActorRef directory, string userId)
    {
        directory.Tell(new SessionPing(userId, -1), _caller);
        var tree = _trees.ExpectMsg<TreeStarted>().Tree;
        _trees.ExpectMsg<TreeReceived>();
        return tree;
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("../etc")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_bad_user_id_is_rejected_before_any_tree_exists(string userId)
    {
        var directory = StartDirectory();

        directory.Tell(new SessionPing(userId), _caller);
        var rejected = _caller.ExpectMsg<CommandRejected>();
        directory.Tell(new ForgetUser(userId), _caller);
        var forgetRejected = _caller.ExpectMsg<CommandRejected>();

        rejected.Should().Be(new CommandRejected("userId", IdRule));
        forgetRejected.Should().Be(rejected);
        ActiveUsers(directory).Should().BeEmpty();
        _erased.Should().BeEmpty();
    }

    [Fact]
    public void Each_user_gets_one_tree_and_its_messages_in_the_order_they_were_sent()
    {
        var directory = StartDirectory();

        for (var i = 0; i < 5; i++)
        {
            directory.Tell(new SessionPing("maya", i), _caller);
            if (i < 3)
            {
                directory.Tell(new MemoryPing("rose", i), _caller);
            }
        }

        var reports = _trees.ReceiveN(10).ToList();
        reports.OfType<TreeStarted>().Select(t => t.UserId).Should().BeEquivalentTo("maya", "rose");
        var received = reports.OfType<TreeReceived>().ToList();
        received.Where(r => r.UserId == "maya").Select(r => r.Message).Should().Equal(Enumerable.Range(0, 5).Select(i => new SessionPing("maya", i)));
        received.Where(r => r.UserId == "rose").Select(r => r.Message).Should().Equal(Enumerable.Range(0, 3).Select(i => new MemoryPing("rose", i)));
        _trees.LastSender.Should().Be(_caller.Ref, "the tree answers the original caller");
        ActiveUsers(directory).Should().Equal("maya", "rose");
    }

    [Fact]
    public void Messages_for_a_passivating_tree_are_held_and_delivered_in_order_to_a_fresh_tree()
    {
        _holdStop = true;
        var directory = StartDirectory();
        var first = Touch(directory, "maya");

        directory.Tell(new PassivateUser("maya"));
        _trees.ExpectMsg<TreeAskedToStop>().Tree.Should().Be(first);
        for (var i = 0; i < 3; i++)
        {
            directory.Tell(new SessionPing("maya", i), _caller);
        }

        directory.Tell(new PassivateUser("maya"));
        // Once the directory has handled them, anything it forwarded to the old tree is queued there before this
        // identify; its answer arriving first proves nothing reached the stopping tree.
        directory.Tell(new Identify("settled"), _caller);
        _caller.ExpectMsg<ActorIdentity>();
        first.Tell(new Identify("settled"), _trees);
        _trees.ExpectMsg<ActorIdentity>(hint: "the stopping tree gets no new message (nor a second stop)");
        first.Tell(FinishStopping.Instance);

        var fresh = _trees.ExpectMsg<TreeStarted>();
        var delivered = _trees.ReceiveN(3).Cast<TreeReceived>().Select(r => r.Message).ToList();
        fresh.Tree.Should().NotBe(first);
        delivered.Should().Equal(Enumerable.Range(0, 3).Select(i => new SessionPing("maya", i)));
        _trees.LastSender.Should().Be(_caller.Ref);
    }

    [Fact]
    public void A_passivated_tree_is_no_longer_active_and_the_next_message_starts_a_fresh_one()
    {
        var directory = StartDirectory();
        var first = Touch(directory, "maya");
        Touch(directory, "rose");
        Watch(first);

        directory.Tell(new PassivateUser("maya"));
        _trees.ExpectMsg<TreeAskedToStop>();
        ExpectTerminated(first);
        // The directory hears of its child's end before any message sent after it.
        var active = ActiveUsers(directory);
        var second = Touch(directory, "maya");

        active.Should().Equal("rose");
        second.Should().NotBe(first);
        ActiveUsers(directory).Should().Equal("maya", "rose");
    }

    [Fact]
    public async Task Forget_stops_the_tree_erases_with_nothing_running_and_then_serves_the_held_messages()
    {
        _erasure = new TaskCompletionSource<ForgetReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var directory = StartDirectory();
        var first = Touch(directory, "maya");
        Watch(first);
        var requester = CreateTestProbe();

        directory.Tell(new ForgetUser("maya"), requester);
        _trees.ExpectMsg<TreeAskedToStop>();
        ExpectTerminated(first);
        directory.Tell(new SessionPing("maya", 9), _caller);
        directory.Tell(new ForgetUser("maya"), _caller);
        var second = _caller.ExpectMsg<CommandRejected>();
        var erasedWhileRunning = ActiveUsers(directory);
        _erasure.SetResult(Report("maya"));
        var forgotten = await requester.ExpectMsgAsync<UserForgotten>();

        second.Should().Be(new CommandRejected("userId", "is already being forgotten"));
        erasedWhileRunning.Should().BeEmpty("nothing of the user runs while it is erased");
        _erased.Should().Equal("maya");
        forgotten.Report.Should().BeEquivalentTo(Report("maya"));
        _trees.ExpectMsg<TreeStarted>().UserId.Should().Be("maya");
        _trees.ExpectMsg<TreeReceived>().Message.Should().Be(new SessionPing("maya", 9));
    }

    [Fact]
    public void Forgetting_a_user_without_a_tree_erases_at_once_and_a_failed_erasure_is_reported()
    {
        var directory = StartDirectory();

        directory.Tell(new ForgetUser("rose"), _caller);
        var forgotten = _caller.ExpectMsg<UserForgotten>();
        _erasure = new TaskCompletionSource<ForgetReport>();
        _erasure.SetException(new IOException("disk gone"));
        directory.Tell(new ForgetUser("sara"), _caller);
        var failed = _caller.ExpectMsg<Status.Failure>();

        forgotten.Report.UserId.Should().Be("rose");
        failed.Cause.Should().BeOfType<IOException>();
        _erased.Should().Equal("rose", "sara");
        ActiveUsers(directory).Should().BeEmpty("no tree was started to be forgotten");
    }
}

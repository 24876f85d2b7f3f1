using Akka.Actor;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

/// <summary>
/// A status is answered by the user's tree from the progress the memory and the learner published, without their turn
/// on the store threads (docs/adr/0053): both store threads are held by the spec while it asks, so an answer that needed
/// one could not arrive until they are let go. A status still counts every write acknowledged before it.
/// </summary>
public sealed class StatusOffStoreThreadsSpecs : IDisposable
{
    private const string Command = "nix-env -iA nixpkgs.ripgrep";
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Status_and_the_likely_next_commands_are_answered_while_every_store_thread_is_held()
    {
        await using var tree = ActorTree.Start(_data.Path);
        var last = await RecordedAndAppliedAsync(tree, "install ripgrep");
        // status has asked once: the learner keeps its prediction fresh and published from now on.
        (await tree.AskAsync<NextCommands>(new GetLikelyNext("ann"))).AfterCommand.Should().Be(Command);

        using var threads = StoreThreadsHeld.Hold(tree.System);

        (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"))).LastSequenceNr.Should().Be(last, "the memory's published progress answers");
        (await tree.AskAsync<ProjectionStatus>(new GetLearnerStatus("ann"))).LastSequenceNr.Should().Be(last, "the learner's published progress answers");
        var next = await tree.AskAsync<NextCommands>(new GetLikelyNext("ann", 1));
        next.AfterCommand.Should().Be(Command, "the learner's published prediction answers");
    }

    [Fact]
    public async Task A_status_asked_while_a_write_it_follows_is_not_applied_yet_waits_for_it()
    {
        await using var tree = ActorTree.Start(_data.Path);
        await RecordedAndAppliedAsync(tree, "install ripgrep");

        Task<ProjectionStatus> memory;
        Task<ProjectionStatus> learner;
        long second;
        using (StoreThreadsHeld.Hold(tree.System))
        {
            // The session journals on other threads; the projections cannot apply the event while their threads are held.
            second = (await tree.RecordAsync("ann", "install fd", command: "nix-env -iA nixpkgs.fd")).SequenceNr;
            memory = tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"));
            learner = tree.AskAsync<ProjectionStatus>(new GetLearnerStatus("ann"));
        }

        (await memory).LastSequenceNr.Should().Be(second, "a status counts every write acknowledged before it was asked");
        (await learner).LastSequenceNr.Should().Be(second, "a status counts every write acknowledged before it was asked");
    }

    /// <summary>Records for ann and returns the sequence number once the memory and the learner have applied it.</summary>
    private static async Task<long> RecordedAndAppliedAsync(ActorTree tree, string text)
    {
        var last = (await tree.RecordAsync("ann", text, command: Command)).SequenceNr;
        (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"))).LastSequenceNr.Should().Be(last);
        (await tree.AskAsync<ProjectionStatus>(new GetLearnerStatus("ann"))).LastSequenceNr.Should().Be(last);
        return last;
    }

    /// <summary>
    /// Both threads of the store dispatcher (<c>thread-count = 2</c>), each held by an actor blocked on a gate until
    /// disposed; returns once both are held, so no projection runs meanwhile.
    /// </summary>
    private sealed class StoreThreadsHeld : IDisposable
    {
        private const int Threads = 2;
        private readonly ManualResetEventSlim _release = new();
        private readonly CountdownEvent _entered = new(Threads);

        public static StoreThreadsHeld Hold(ActorSystem system)
        {
            var held = new StoreThreadsHeld();
            for (var i = 0; i < Threads; i++)
            {
                var blocker = system.ActorOf(Props.Create(() => new Blocker(held._entered, held._release)).WithDispatcher(UserActor.StoreDispatcher));
                blocker.Tell("hold");
            }

            held._entered.Wait(TimeSpan.FromMinutes(1)).Should().BeTrue("both store threads take a blocker");
            return held;
        }

        public void Dispose()
        {
            _release.Set();
        }
    }

    private sealed class Blocker : ReceiveActor
    {
        public Blocker(CountdownEvent entered, ManualResetEventSlim release) =>
            Receive<string>(_ =>
            {
                entered.Signal();
                release.Wait();
            });
    }
}

using Akka.Actor;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

/// <summary>
/// The store threads give their next turn to an actor sent a request before actors that only have work queued
/// (docs/adr/0056), and the request still sees every write acknowledged before it. The spec holds both store threads,
/// queues work for other actors on them (each of which, once it runs, holds its thread), records for ann and asks ann's
/// search: the search can only be answered if ann's memory runs before that work.
/// </summary>
public sealed class RequestFirstOnStoreThreadsSpecs : IDisposable
{
    private const int Threads = 2;
    private const int Busy = 8;
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_search_runs_before_the_turns_queued_ahead_of_it_and_sees_the_writes_queued_in_its_memory()
    {
        await using var tree = ActorTree.Start(_data.Path);
        var first = (await tree.RecordAsync("ann", "install ripgrep", command: "nix-env -iA nixpkgs.ripgrep")).SequenceNr;
        (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"))).LastSequenceNr.Should().Be(first);

        using var hold = new ManualResetEventSlim();
        var held = new Entered(Threads);
        using var release = new ManualResetEventSlim();
        var busyRunning = new Entered(Threads);
        try
        {
            for (var i = 0; i < Threads; i++)
            {
                Gate(tree.System, held, hold).Tell("run");
            }

            await held.All;

            // Turns queued ahead of ann's: each busy actor, once it runs, holds its thread until the spec lets go.
            for (var i = 0; i < Busy; i++)
            {
                Gate(tree.System, busyRunning, release).Tell("run");
            }

            // Acknowledged by the session (other threads); ann's memory cannot apply them while the store threads are held.
            var fd = (await tree.RecordAsync("ann", "install fd", command: "nix-env -iA nixpkgs.fd")).SequenceNr;
            await tree.RecordAsync("ann", "install bat", command: "nix-env -iA nixpkgs.bat");
            var search = tree.AskAsync<MemorySearched>(new SearchMemory("ann", "install fd", Limit: 3));
            hold.Set();

            // Without the request going first, both threads run busy actors and stay held: the search cannot be answered.
            await Task.WhenAny(search, busyRunning.All);
            search.IsCompletedSuccessfully.Should().BeTrue("ann's memory runs before the turns queued ahead of it");
            (await search).Results.Select(r => r.Command).Should().Contain("nix-env -iA nixpkgs.fd", $"the search sees #{fd}, acknowledged before it was asked");
        }
        finally
        {
            hold.Set();
            release.Set();
        }
    }

    private static IActorRef Gate(ActorSystem system, Entered entered, ManualResetEventSlim release) =>
        system.ActorOf(Props.Create(() => new Blocker(entered, release)).WithDispatcher(UserActor.StoreDispatcher));

    /// <summary>Completes <see cref="All"/> once <c>count</c> blockers hold a thread.</summary>
    private sealed class Entered(int count)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _entered;

        public Task All => _all.Task;

        public void Enter()
        {
            if (Interlocked.Increment(ref _entered) >= count)
            {
                _all.TrySetResult();
            }
        }
    }

    private sealed class Blocker : ReceiveActor
    {
        public Blocker(Entered entered, ManualResetEventSlim release) =>
            Receive<string>(_ =>
            {
                entered.Enter();
                release.Wait();
            });
    }
}

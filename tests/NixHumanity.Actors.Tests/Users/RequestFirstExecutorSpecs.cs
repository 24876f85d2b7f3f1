using System.Runtime.CompilerServices;
using Akka.Dispatch;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

/// <summary>
/// What the store threads' executor remembers of a promotion that came while the mailbox was not waiting (docs/adr/0056):
/// the mailbox's next turn goes first, and a mailbox never scheduled again is not kept.
/// </summary>
public sealed class RequestFirstExecutorSpecs : IDisposable
{
    private readonly RequestFirstExecutor _executor = new("spec-store-dispatcher", 1);

    public void Dispose() => _executor.Shutdown();

    [Fact]
    public async Task A_mailbox_promoted_before_it_is_scheduled_goes_first_at_its_next_turn_and_is_then_forgotten()
    {
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new Runnable(ran);

        _executor.Promote(run);
        _executor.PromotedNotScheduled.Should().Be(1);
        _executor.Execute(run);
        await ran.Task;

        _executor.Promotions.Should().Be(1, "the turn scheduled after the promotion went first");
        _executor.PromotedNotScheduled.Should().Be(0);
    }

    [Fact]
    public void A_mailbox_promoted_and_never_scheduled_again_is_not_kept()
    {
        PromoteOneNobodyKeeps();

        // A stopped actor's mailbox: promoted while it ran, then never scheduled again, and referenced by nothing else.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        _executor.PromotedNotScheduled.Should().Be(0, "the executor must not keep a stopped actor's mailbox (and the actor) alive");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PromoteOneNobodyKeeps()
    {
        _executor.Promote(new Runnable(new TaskCompletionSource()));
        _executor.PromotedNotScheduled.Should().Be(1);
    }

    private sealed class Runnable(TaskCompletionSource ran) : IRunnable
    {
        public void Run() => ran.TrySetResult();

        public void Execute() => Run();
    }
}

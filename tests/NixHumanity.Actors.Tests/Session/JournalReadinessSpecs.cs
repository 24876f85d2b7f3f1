using Akka.Actor;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.Session;

/// <summary>
/// The read journal's start-up asks the journal with a fixed 5 s bound, which a very busy machine exceeds even after
/// the journal is ready. Creating it tries again after each fresh answer from the journal, and only for that failure.
/// </summary>
public sealed class JournalReadinessSpecs
{
    [Fact]
    public async Task A_creation_that_timed_out_waiting_for_the_journal_is_tried_again_after_the_journal_answers()
    {
        var tries = 0;
        var answers = 0;
        var created = await JournalReadiness.CreateOnceAnsweredAsync(
            () => ++tries < 3
                ? throw new AggregateException(new AskTimeoutException("Timeout after 5.00 seconds"))
                : "read journal",
            () =>
            {
                answers++;
                return Task.CompletedTask;
            },
            CancellationToken.None);

        created.Should().Be("read journal");
        tries.Should().Be(3);
        answers.Should().Be(2, "each new try waits for the journal to answer again");
    }

    [Fact]
    public async Task Any_other_failure_is_the_callers_at_once()
    {
        var answers = 0;
        var create = () => JournalReadiness.CreateOnceAnsweredAsync<string>(
            () => throw new InvalidOperationException("no such plugin"),
            () =>
            {
                answers++;
                return Task.CompletedTask;
            },
            CancellationToken.None);

        await create.Should().ThrowAsync<InvalidOperationException>().WithMessage("no such plugin");
        answers.Should().Be(0);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_the_tries()
    {
        using var cancel = new CancellationTokenSource();
        var create = () => JournalReadiness.CreateOnceAnsweredAsync<string>(
            () =>
            {
                cancel.Cancel();
                throw new AggregateException(new AskTimeoutException("Timeout after 5.00 seconds"));
            },
            () => Task.CompletedTask,
            cancel.Token);

        await create.Should().ThrowAsync<OperationCanceledException>();
    }
}

using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;

namespace NixHumanity.Actors.Session;

/// <summary>
/// Waits, on events and without a fixed timeout, until the actor system's journal has initialized (created its
/// tables). The SQL plugin's read journal, when first created, blocks for at most 5 s on the same condition and fails
/// with "Timeout after 5.00 seconds" when the machine is loaded; creating it only after this wait makes that wait
/// immediate. A cancellation token bounds the wait instead, when the caller has one.
/// <para>
/// Ready is not enough on a very busy machine (load 60): the read journal's own question to the journal can still wait
/// more than 5 s in a mailbox and the verb failed with "no answer in time". <see cref="ReadJournalAsync"/> therefore
/// asks again, each time only after the journal has answered a fresh readiness question, so it never gives up on a
/// journal that answers and never spins on one that does not.
/// </para>
/// </summary>
internal static class JournalReadiness
{
    private static readonly ConditionalWeakTable<ActorSystem, Task> Ready = new();

    /// <summary>Completes when the default journal of <paramref name="system"/> answers requests.</summary>
    /// <param name="system">The actor system.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public static Task WhenReadyAsync(ActorSystem system, CancellationToken cancellationToken = default)
    {
        if (Ready.TryGetValue(system, out var ready) && ready.IsCompletedSuccessfully)
        {
            return ready;
        }

        var asked = AskAsync(system, cancellationToken);
        Ready.AddOrUpdate(system, asked);
        return asked;
    }

    private static async Task AskAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var journal = Persistence.Instance.Apply(system).JournalFor(null);
        // The journal stashes every request until it has initialized, then answers a replay of nothing with the
        // highest sequence number of an id no actor uses: the answer itself is the signal.
        var reply = await journal.Ask<object>(
            replyTo => new ReplayMessages(1, 0, 0, "nixh-journal-readiness", replyTo), Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        if (reply is ReplayMessagesFailure failure)
        {
            throw new InvalidOperationException($"the journal is not available: {failure.Cause.Message}", failure.Cause);
        }
    }

    /// <summary>
    /// The SQL read journal of <paramref name="system"/>, created once the journal is ready; a creation that timed out
    /// waiting for the journal's answer is tried again after the journal has answered once more.
    /// </summary>
    /// <param name="system">The actor system.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public static async Task<SqlReadJournal> ReadJournalAsync(ActorSystem system, CancellationToken cancellationToken = default)
    {
        await WhenReadyAsync(system, cancellationToken).ConfigureAwait(false);
        return await CreateOnceAnsweredAsync(
            () => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier),
            () => AskAsync(system, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="create"/> until it does not fail for want of an answer in time, awaiting
    /// <paramref name="answered"/> before each new try. Any other failure is the caller's.
    /// </summary>
    internal static async Task<T> CreateOnceAnsweredAsync<T>(Func<T> create, Func<Task> answered, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return create();
            }
            catch (Exception ex) when (IsAnswerTimeout(ex))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await answered().ConfigureAwait(false);
            }
        }
    }

    // The plugin blocks on its ask (.Result), so the timeout arrives wrapped in an AggregateException.
    private static bool IsAnswerTimeout(Exception ex) => ex switch
    {
        AskTimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsAnswerTimeout),
        _ => ex.InnerException is { } inner && IsAnswerTimeout(inner),
    };
}

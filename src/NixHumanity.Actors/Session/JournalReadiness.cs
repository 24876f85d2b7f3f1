using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Persistence;

namespace NixHumanity.Actors.Session;

/// <summary>
/// Waits, on events and without a fixed timeout, until the actor system's journal has initialized (created its
/// tables). The SQL plugin's read journal, when first created, blocks for at most 5 s on the same condition and fails
/// with "Timeout after 5.00 seconds" when the machine is loaded; creating it only after this wait makes that wait
/// immediate. A cancellation token bounds the wait instead, when the caller has one.
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
}

using System.Collections.Concurrent;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// Where a user's projections publish how far they have got, so that the user's tree answers a status without waiting
/// for the projection's turn on the store threads (docs/adr/0053). One per user tree (<c>UserActor</c>), shared with its
/// session (which advances <see cref="Journal"/>) and its projections (which publish after handling each message, on
/// their store thread). Every value published is immutable and replaced whole, so a reader on another thread sees
/// either the previous answer or the new one, never a mix.
/// </summary>
internal sealed class ProgressBoard
{
    /// <summary>The slot of the learner's latest prediction of the likely next commands (a <c>NextCommands</c>).</summary>
    public const string LikelyNextSlot = "likely-next";

    private readonly ConcurrentDictionary<string, PublishedAnswer> _answers = new(StringComparer.Ordinal);

    /// <summary>What the session has published to the projections.</summary>
    public JournalWatermark Journal { get; } = new();

    /// <summary>Publishes <paramref name="answer"/> in <paramref name="slot"/>, read at <paramref name="checkpoint"/>.</summary>
    /// <param name="slot">The component's name (<c>memory</c>, <c>learner</c>) or <see cref="LikelyNextSlot"/>.</param>
    /// <param name="answer">An immutable reply, given as it is to whoever asks.</param>
    /// <param name="checkpoint">The last journal sequence number the answer counts.</param>
    public void Publish(string slot, object answer, long checkpoint) => _answers[slot] = new PublishedAnswer(answer, checkpoint);

    /// <summary>Takes the answer of <paramref name="slot"/> down: the component is catching up, failed or stopped, and is asked itself.</summary>
    /// <param name="slot">The slot.</param>
    public void Withdraw(string slot) => _answers.TryRemove(slot, out _);

    /// <summary>The answer published in <paramref name="slot"/>, or null.</summary>
    /// <param name="slot">The slot.</param>
    public PublishedAnswer? Latest(string slot) => _answers.TryGetValue(slot, out var published) ? published : null;

    /// <summary>
    /// The progress published in <paramref name="slot"/> when it may be given at once, else null (ask the component):
    /// <list type="bullet">
    /// <item>it counts every event the session has published (read-your-writes, as a status answered by the projection
    /// after what was queued before it);</item>
    /// <item>or the projection is more than <paramref name="behindBeyond"/> events behind the session: it is behind, and
    /// its progress is answered at once, as the projection itself answers it then (docs/adr/0052).</item>
    /// </list>
    /// Between the two (a few events published and not yet applied) the projection is asked, so the answer counts them.
    /// </summary>
    /// <param name="slot">The component's name.</param>
    /// <param name="behindBeyond">Events not yet applied beyond which the projection counts as behind (<see cref="ProjectionOptions.ReplayBatchSize"/>).</param>
    public object? ProgressAtOnce(string slot, int behindBeyond)
    {
        if (Latest(slot) is not { } published)
        {
            return null;
        }

        var notApplied = Journal.Through - published.Checkpoint;
        return notApplied <= 0 || notApplied > behindBeyond ? published.Answer : null;
    }

    /// <summary>An answer published on the board.</summary>
    /// <param name="Answer">The reply.</param>
    /// <param name="Checkpoint">The last journal sequence number it counts.</param>
    internal sealed record PublishedAnswer(object Answer, long Checkpoint);
}

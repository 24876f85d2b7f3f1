using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Memory;

/// <summary>The memory actor's writes: embedded interactions upserted into the store, the checkpoint moved past each
/// batch with the fingerprint of its last event.</summary>
internal sealed partial class MemoryActor
{
    private void ApplyNow(IReadOnlyList<JournaledSessionEvent> events, List<JournaledSessionEvent> interactions) =>
        Remember(events, interactions, interactions.Count > 0 ? _embedder.EmbedBatch(interactions.Select(e => ((InteractionRecorded)e.Event).Text).ToList()) : []);

    /// <summary>Upserts the interactions of <paramref name="events"/> with their vectors and moves the checkpoint past the batch.</summary>
    private void Remember(IReadOnlyList<JournaledSessionEvent> events, List<JournaledSessionEvent> interactions, IReadOnlyList<float[]> vectors)
    {
        if (interactions.Count > 0)
        {
            var records = interactions.Select((e, n) => (e.SequenceNr, ToRecord((InteractionRecorded)e.Event, vectors[n]))).ToList();
            try
            {
                Store.Upsert(records, EventFingerprint.OfLast(interactions));
            }
            catch (InvalidInputException)
            {
                // One record cannot be remembered (e.g. a text without any usable feature embeds to the zero vector).
                // The batch changed nothing; apply the records one by one and skip the bad ones, or the actor would
                // fail on the same event after every restart.
                UpsertOneByOne(interactions, records);
            }

            _suggestions.Clear();
        }

        var last = events[^1].SequenceNr;
        if (last > Store.Checkpoint)
        {
            Store.AdvanceCheckpoint(last, EventFingerprint.OfLast(events));
        }
    }

    private void UpsertOneByOne(List<JournaledSessionEvent> interactions, List<(long SequenceNr, MemoryRecord Record)> records)
    {
        foreach (var (interaction, (sequenceNr, record)) in interactions.Zip(records))
        {
            var fingerprint = EventFingerprint.Of(interaction.Event);
            try
            {
                Store.Upsert(sequenceNr, record, fingerprint);
            }
            catch (InvalidInputException ex)
            {
                Log.Warning("Memory of {0}: event #{1} is not remembered: {2}", UserId, sequenceNr, ex.Rejection.Message);
                Store.AdvanceCheckpoint(sequenceNr, fingerprint);
            }
        }
    }

    private MemoryRecord ToRecord(InteractionRecorded recorded, float[] vector) => new(
        recorded.Command!,
        recorded.Text,
        vector,
        _embedder.Id,
        recorded.At,
        recorded.Outcome switch
        {
            InteractionOutcome.Success => true,
            InteractionOutcome.Failure => false,
            _ => null,
        },
        recorded.Intent);
}

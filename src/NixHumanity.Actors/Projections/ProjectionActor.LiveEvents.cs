using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's live events: buffered as they arrive and applied together (docs/adr/0055).
internal abstract partial class ProjectionActor<TStore>
{
    /// <summary>
    /// Buffers a live event (see the class remarks), or sends the actor back to catching up when it reveals a gap.
    /// Events buffered when the actor stops are read from the journal by its successor.
    /// </summary>
    private void Enqueue(SessionEventPublished published)
    {
        var last = _pending.Count > 0 ? _pending[^1].SequenceNr : AppliedThrough;
        Telemetry.ProjectionLag.Record(published.SequenceNr - AppliedThrough, new KeyValuePair<string, object?>(Telemetry.ComponentAttribute, Component));
        if (published.SequenceNr <= last)
        {
            return;
        }

        if (FellBehind())
        {
            // Too much is queued behind this event: read it and what follows from the journal, dropping what was
            // pushed meanwhile, instead of holding all of it in memory (docs/adr/0040).
            FellBehindCount++;
            _behindCatchUp = true;
            ApplyPending();
            StartCatchUp();
            return;
        }

        if (published.SequenceNr > last + 1 && _gapCaughtUpFor != published.SequenceNr)
        {
            _gapCaughtUpFor = published.SequenceNr;
            Log.Warning("{0} of {1}: event #{2} arrived after #{3}; catching up from the journal", Component, UserId, published.SequenceNr, last);
            ApplyPending();
            Stash.Stash();
            StartCatchUp();
            return;
        }

        _pending.Add(new JournaledSessionEvent(published.SequenceNr, published.Event));
        if (_pending.Count >= Options.ReplayBatchSize)
        {
            ApplyPending();
        }
        else if (!_applyScheduled)
        {
            _applyScheduled = true;
            if (Options.LiveApplyWindow > TimeSpan.Zero)
            {
                // Applied a window after the first event, not at once: the store's commit syncs its log to the disk,
                // and right after an acknowledgement the next record's journal commit needs the disk (docs/adr/0055).
                Timers.StartSingleTimer(nameof(ApplyPendingEvents), ApplyPendingEvents.Instance, Options.LiveApplyWindow);
            }
            else
            {
                // Everything already in the mailbox is handled before this marker, so a burst is applied as one batch.
                Self.Tell(ApplyPendingEvents.Instance);
            }
        }
    }

    /// <summary>The live-apply window of the first buffered event has passed (or, with a zero window, self-sent behind a
    /// burst of live events: the mailbox has drained of them): apply the buffer.</summary>
    private sealed record ApplyPendingEvents
    {
        public static readonly ApplyPendingEvents Instance = new();
    }
}

using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// The learner's latest prediction of the person's likely next commands, with the store checkpoint it was read at.
/// <c>status</c> asks for it on every call; reading it costs a transaction on the transition counts and two queries,
/// so once someone has asked, the learner reads it again right after applying new events (while nobody waits) and
/// answers the next ask from here. An answer is never older than the store: a prediction read at another checkpoint
/// is read again before it is given.
/// </summary>
internal sealed class LikelyNextCache
{
    /// <summary>Predictions are read for at least this many commands, so status (3) and most suggests share one read.</summary>
    public const int MinimumLimit = 10;

    private NextCommandPrediction? _prediction;
    private long _checkpoint = -1;
    private int _limit = MinimumLimit;

    /// <summary>Whether a prediction was asked for since the store was opened: only then is it kept fresh.</summary>
    public bool Wanted { get; private set; }

    /// <summary>Whether a prediction is wanted and the one held was read at another checkpoint than <paramref name="checkpoint"/>.</summary>
    public bool IsStale(long checkpoint) => Wanted && _checkpoint != checkpoint;

    /// <summary>The <paramref name="limit"/> most likely next commands at <paramref name="checkpoint"/>, read only when the one held is older or shorter.</summary>
    public NextCommandPrediction Get(AnalyticsStore store, long checkpoint, int limit)
    {
        Wanted = true;
        if (_prediction is null || _checkpoint != checkpoint || limit > _limit)
        {
            Refresh(store, checkpoint, Math.Max(limit, _limit));
        }

        // The probabilities are shares of all transitions (not of the ones returned), so a shorter list is a prefix.
        var held = _prediction!;
        return held.Next.Count <= limit ? held : held with { Next = [.. held.Next.Take(limit)] };
    }

    /// <summary>The whole prediction held (at least <see cref="MinimumLimit"/> commands), or null.</summary>
    public NextCommandPrediction? Held => _prediction;

    /// <summary>Reads the prediction at <paramref name="checkpoint"/> (bringing the transition counts up to it first) and returns it.</summary>
    public NextCommandPrediction Refresh(AnalyticsStore store, long checkpoint)
    {
        Refresh(store, checkpoint, _limit);
        return _prediction!;
    }

    /// <summary>Forgets what is held (the store was closed, reopened or rebuilt).</summary>
    public void Clear()
    {
        _prediction = null;
        _checkpoint = -1;
        Wanted = false;
    }

    private void Refresh(AnalyticsStore store, long checkpoint, int limit)
    {
        store.UpdateTransitions();
        _prediction = store.PredictNext(limit);
        _checkpoint = checkpoint;
        _limit = limit;
    }
}

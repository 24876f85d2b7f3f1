using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// One fold: the interactions after the analytics store's fold watermark become one new tensor fragment (behaviour
/// features d..d+383 from the running counters, plus the preference direction 0..d-1 when one is given, d being the
/// tensor's <see cref="PreferenceLayout.DirectionDimensions"/>: 384 with the built-in embedders), then the
/// counters, watermark, transition counts and fold log (with the direction written) are committed together. The <see cref="LearnerActor"/> runs it
/// on its timer and on request; the benchmark runs the same code.
/// </summary>
internal static class PreferenceFold
{
    /// <summary>Prepares the fold; <c>null</c> when there is nothing new (then nothing is written).</summary>
    /// <param name="analytics">The user's analytics store.</param>
    /// <param name="through">The last sequence number to take (all when omitted).</param>
    public static FoldBatch? Prepare(AnalyticsStore analytics, long through = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(analytics);
        return analytics.PrepareFold(through);
    }

    /// <summary>Writes the fragment for <paramref name="batch"/> and commits the fold.</summary>
    /// <param name="analytics">The user's analytics store.</param>
    /// <param name="tensor">The user's tensor store.</param>
    /// <param name="batch">From <see cref="Prepare"/>, with no write in between.</param>
    /// <param name="userId">The person.</param>
    /// <param name="tensorUser">The person's tensor coordinate (<see cref="LearnerActor.TensorUserOf"/>).</param>
    /// <param name="stamp">The fragment's stamp.</param>
    /// <param name="direction">The preference direction (d values) or null; one of another length is not written.</param>
    /// <param name="layout">The tensor's layout (the 384 layout when null).</param>
    public static FoldReport Complete(AnalyticsStore analytics, IPreferenceTensorStore tensor, FoldBatch batch, string userId, int tensorUser,
        DateTimeOffset stamp, float[]? direction, PreferenceLayout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(analytics);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(batch);
        layout ??= PreferenceLayout.Default;
        // A direction of another length belongs to another embedder (the memory still re-embedding): its values
        // would land on behaviour features or leave stale ones, so this fold writes none.
        direction = direction?.Length == layout.DirectionDimensions ? direction : null;
        var cells = new List<TensorCell>(BehaviourFeatures.All.Count + layout.DirectionDimensions);
        if (direction is not null)
        {
            for (var i = 0; i < direction.Length; i++)
            {
                cells.Add(new TensorCell(tensorUser, i, direction[i]));
            }
        }

        cells.AddRange(BehaviourFeatures.Compute(batch.Totals, layout).Select(f => new TensorCell(tensorUser, f.Feature, f.Value)));
        // Fragment first, then the commit: a crash in between re-folds the same interactions into a fragment with the
        // same values on the next fold, which changes no read; the counters are never added twice.
        var fragment = tensor.Write(cells, stamp);
        analytics.CommitFold(batch, stamp, fragment.FileName, cells.Count, direction);
        return new FoldReport(userId, true, batch.Interactions, batch.FirstSeq, batch.ToSeq, fragment.FileName, fragment.Stamp, cells.Count, direction is not null);
    }
}

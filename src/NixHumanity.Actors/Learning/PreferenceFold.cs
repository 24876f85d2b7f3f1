using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// One fold: the interactions after the analytics store's fold watermark become one new tensor fragment (behaviour
/// features 384..767 from the running counters, plus the preference direction 0..383 when one is given), then the
/// counters, watermark, transition counts and fold log are committed together. The <see cref="LearnerActor"/> runs it
/// on its timer and on request; the benchmark runs the same code.
/// </summary>
internal static class PreferenceFold
{
    /// <summary>Prepares the fold; <c>null</c> when there is nothing new (then nothing is written).</summary>
    /// <param name="analytics">The user's analytics store.</param>
    public static FoldBatch? Prepare(AnalyticsStore analytics)
    {
        ArgumentNullException.ThrowIfNull(analytics);
        return analytics.PrepareFold();
    }

    /// <summary>Writes the fragment for <paramref name="batch"/> and commits the fold.</summary>
    /// <param name="analytics">The user's analytics store.</param>
    /// <param name="tensor">The user's tensor store.</param>
    /// <param name="batch">From <see cref="Prepare"/>, with no write in between.</param>
    /// <param name="userId">The person.</param>
    /// <param name="tensorUser">The person's tensor coordinate (<see cref="LearnerActor.TensorUserOf"/>).</param>
    /// <param name="stamp">The fragment's stamp.</param>
    /// <param name="direction">The preference direction (384 values) or null.</param>
    public static FoldReport Complete(AnalyticsStore analytics, IPreferenceTensorStore tensor, FoldBatch batch, string userId, int tensorUser,
        DateTimeOffset stamp, float[]? direction)
    {
        ArgumentNullException.ThrowIfNull(analytics);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(batch);
        var cells = new List<TensorCell>(BehaviourFeatures.All.Count + BehaviourFeatures.DirectionDimensions);
        if (direction is not null)
        {
            for (var i = 0; i < direction.Length && i < BehaviourFeatures.DirectionDimensions; i++)
            {
                cells.Add(new TensorCell(tensorUser, i, direction[i]));
            }
        }

        cells.AddRange(BehaviourFeatures.Compute(batch.Totals).Select(f => new TensorCell(tensorUser, f.Feature, f.Value)));
        // Fragment first, then the commit: a crash in between re-folds the same interactions into a fragment with the
        // same values on the next fold, which changes no read; the counters are never added twice.
        var fragment = tensor.Write(cells, stamp);
        analytics.CommitFold(batch, stamp, fragment.FileName, cells.Count);
        return new FoldReport(userId, true, batch.Interactions, batch.FirstSeq, batch.ToSeq, fragment.FileName, fragment.Stamp, cells.Count, direction is not null);
    }
}

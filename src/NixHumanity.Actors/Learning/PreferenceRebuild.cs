using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// Rebuilds the preference tensor after its fragments were found damaged and set aside (<see cref="FragmentDamage"/>).
/// A fold is not a function of the journal alone: it ran at a time of the clock (its stamp) over the interactions up
/// to its watermark, and its preference direction came from the memory's command embeddings at that moment. The fold
/// log in <c>analytics.duckdb</c> keeps the stamp, the watermark and the direction of every fold (committed in the
/// same transaction as the watermark), so the rebuild replays it: per logged fold, the running counters of the
/// interactions up to its watermark (the same SQL, added in the same order, so the same values) and the direction as
/// logged, written as a fragment with the fold's stamp; then the fragments are consolidated as the policy would have.
/// Every feature (0..d+383) thus reads exactly as before at every time.
/// </summary>
/// <remarks>
/// Two cases are not exact, and say so (<see cref="TensorRebuild.DirectionOwedAt"/>, the repair report): a fold
/// committed before the fold log kept directions, or one whose direction has another length than the tensor's layout
/// (the embedder changed). When the latest fold that wrote a direction is such a fold, the learner asks the memory
/// for the direction once more and writes it with that fold's stamp, so reads from then on show one; earlier such
/// folds keep their behaviour features only. When the fold log itself is gone (the analytics store rebuilt from the
/// journal), nothing of the fragments' history can be replayed: the next fold folds the whole journal into one
/// fragment stamped with its own time, and reads before that time answer no cells.
/// </remarks>
internal static class PreferenceRebuild
{
    /// <summary>Writes one fragment per logged fold and consolidates; returns what was rebuilt.</summary>
    /// <param name="analytics">The user's analytics store (its fold log and interactions).</param>
    /// <param name="tensor">The tensor store, opened empty after its damaged folder was set aside.</param>
    /// <param name="tensorUser">The person's tensor coordinate.</param>
    /// <param name="now">The learner's clock, for consolidation.</param>
    public static TensorRebuild Run(AnalyticsStore analytics, ParquetTensorStore tensor, int tensorUser, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(analytics);
        ArgumentNullException.ThrowIfNull(tensor);
        var folds = analytics.ReplayFolds();
        DateTimeOffset? directionOwedAt = null;
        var directions = 0;
        var fragments = new List<(IReadOnlyList<TensorCell> Cells, DateTimeOffset Stamp)>(folds.Count);
        foreach (var fold in folds)
        {
            var behaviour = BehaviourFeatures.Compute(fold.Totals, tensor.Layout).Select(f => new TensorCell(tensorUser, f.Feature, f.Value)).ToList();
            var cells = new List<TensorCell>(behaviour.Count + tensor.Layout.DirectionDimensions);
            if (fold.Direction is { } direction && direction.Length == tensor.Layout.DirectionDimensions)
            {
                cells.AddRange(direction.Select((value, i) => new TensorCell(tensorUser, i, value)));
                directions++;
                directionOwedAt = null;
            }
            else if (fold.Features > behaviour.Count)
            {
                // The fold wrote a direction that its log line does not hold (or holds for another embedder).
                directionOwedAt = fold.Stamp;
            }
            else if (directionOwedAt is not null)
            {
                // A later fold without a direction (the memory did not answer in time): the memory's answer now holds
                // the commands of this fold too, so it is stamped here, never at the earlier fold's time.
                directionOwedAt = fold.Stamp;
            }

            cells.AddRange(behaviour);
            if (cells.Count > 0)
            {
                fragments.Add((cells, fold.Stamp));
            }
        }

        tensor.WriteAll(fragments);
        tensor.ConsolidateAged(now);
        return new TensorRebuild(folds.Count, directions, directionOwedAt);
    }

    /// <summary>Writes <paramref name="direction"/> as the preference direction (features 0..d-1) stamped <paramref name="at"/>.</summary>
    /// <param name="tensor">The tensor store.</param>
    /// <param name="tensorUser">The person's tensor coordinate.</param>
    /// <param name="direction">The direction from the memory's command embeddings; not written unless it has the layout's d values.</param>
    /// <param name="at">The stamp of the last fold that wrote one without logging it (<see cref="TensorRebuild.DirectionOwedAt"/>).</param>
    /// <param name="layout">The tensor's layout (the 384 layout when null).</param>
    public static void WriteDirection(IPreferenceTensorStore tensor, int tensorUser, float[] direction, DateTimeOffset at, PreferenceLayout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(direction);
        var cells = direction.Length == (layout ?? PreferenceLayout.Default).DirectionDimensions
            ? direction.Select((value, i) => new TensorCell(tensorUser, i, value)).ToList()
            : [];
        if (cells.Count > 0)
        {
            tensor.Write(cells, at);
        }
    }
}

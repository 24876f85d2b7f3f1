using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// Rebuilds the preference tensor after its fragments were found damaged and set aside (<see cref="FragmentDamage"/>).
/// A fold is not a function of the journal alone: it ran at a time of the clock (its stamp) over the interactions up
/// to its watermark, and its preference direction came from the memory's command embeddings at that moment. The fold
/// log in <c>analytics.duckdb</c> keeps the stamp and watermark of every fold, so the rebuild replays it: per logged
/// fold, the running counters of the interactions up to its watermark (the same SQL, added in the same order, so the
/// same values), written as a fragment with the fold's stamp; then the fragments are consolidated as the policy
/// would have. The behaviour features (384..767) thus read exactly as before at every time. The direction (0..383) of
/// past folds cannot be recomputed; the learner asks the memory for it once more and writes it with the stamp of the
/// last fold that had one (<see cref="TensorRebuild.DirectionAt"/>), so reads from then on show a direction again.
/// </summary>
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
        DateTimeOffset? directionAt = null;
        var fragments = new List<(IReadOnlyList<TensorCell> Cells, DateTimeOffset Stamp)>(folds.Count);
        foreach (var fold in folds)
        {
            var cells = BehaviourFeatures.Compute(fold.Totals, tensor.Layout).Select(f => new TensorCell(tensorUser, f.Feature, f.Value)).ToList();
            if (fold.Features > cells.Count)
            {
                // The fold wrote the preference direction as well.
                directionAt = fold.Stamp;
            }

            if (cells.Count > 0)
            {
                fragments.Add((cells, fold.Stamp));
            }
        }

        tensor.WriteAll(fragments);
        tensor.ConsolidateAged(now);
        return new TensorRebuild(folds.Count, directionAt);
    }

    /// <summary>Writes <paramref name="direction"/> as the preference direction (features 0..d-1) stamped <paramref name="at"/>.</summary>
    /// <param name="tensor">The tensor store.</param>
    /// <param name="tensorUser">The person's tensor coordinate.</param>
    /// <param name="direction">The direction from the memory's command embeddings; not written unless it has the layout's d values.</param>
    /// <param name="at">The stamp of the last fold that wrote one.</param>
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

namespace NixHumanity.Actors.Learning;

/// <summary>What <see cref="PreferenceRebuild.Run"/> rebuilt.</summary>
/// <param name="Folds">Logged folds replayed (0 when the fold log was empty: the next fold folds everything).</param>
/// <param name="Directions">Of those, the folds whose preference direction was written back from the fold log.</param>
/// <param name="DirectionOwedAt">
/// The stamp of the latest fold that wrote a direction the fold log does not hold, when no later fold's is logged:
/// the learner asks the memory for it once more. Null when every direction read at the latest time is exact.
/// </param>
internal sealed record TensorRebuild(int Folds, int Directions, DateTimeOffset? DirectionOwedAt);

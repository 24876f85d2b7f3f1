namespace NixHumanity.Actors.Learning;

/// <summary>What <see cref="PreferenceRebuild.Run"/> rebuilt.</summary>
/// <param name="Folds">Logged folds replayed (0 when the fold log was empty: the next fold folds everything).</param>
/// <param name="DirectionAt">The stamp of the last fold that wrote a preference direction, if any.</param>
internal sealed record TensorRebuild(int Folds, DateTimeOffset? DirectionAt);

namespace NixHumanity.Actors.Learning;

/// <summary>What <see cref="PreferenceRebuild.Run"/> rebuilt.</summary>
/// <param name="Folds">Logged folds replayed (0 when the fold log was empty: the next fold folds everything).</param>
/// <param name="Directions">Of those, the folds whose preference direction was written back from the fold log.</param>
/// <param name="DirectionOwedAt">
/// When the latest direction written is one the fold log does not hold: the stamp of the latest fold (that fold's own,
/// or a later fold's that wrote no direction), at which the learner writes the memory's answer once more. Never an
/// earlier fold's: the answer holds the commands up to the latest fold. Null when every direction read at the latest
/// time is exact.
/// </param>
internal sealed record TensorRebuild(int Folds, int Directions, DateTimeOffset? DirectionOwedAt);

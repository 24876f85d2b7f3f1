using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Learning;

/// <summary>Asks the learner actor how far its projection has got; replied to with <see cref="ProjectionStatus"/>.</summary>
/// <param name="UserId">The person.</param>
public sealed record GetLearnerStatus(string UserId) : ILearnerMessage;

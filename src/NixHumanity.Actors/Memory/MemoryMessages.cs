using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Memory;

/// <summary>Asks the memory actor how far its projection has got; replied to with <see cref="ProjectionStatus"/>.</summary>
/// <param name="UserId">The person.</param>
public sealed record GetMemoryStatus(string UserId) : IMemoryMessage;

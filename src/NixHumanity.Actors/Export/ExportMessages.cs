using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Export;

/// <summary>
/// Writes an exported journal back into an EMPTY user's session, event for event, so the user is restored with
/// the same sequence numbers and every projection rebuilds the same answers. Replied to with
/// <see cref="HistoryRestored"/>, or <see cref="Validation.CommandRejected"/> when the user already has history.
/// </summary>
/// <param name="UserId">The person to restore into.</param>
/// <param name="Events">The exported events, in sequence order, starting at 1.</param>
public sealed record RestoreHistory(string UserId, IReadOnlyList<ISessionEvent> Events) : ISessionMessage;

/// <summary>The events are durable in the journal.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Events">Events written.</param>
/// <param name="SequenceNr">The last sequence number.</param>
public sealed record HistoryRestored(string UserId, long Events, long SequenceNr);

namespace NixHumanity.Actors.Projections;

/// <summary>How far a projection owner (memory or learner) has applied the user's journal.</summary>
/// <param name="Component"><c>memory</c> or <c>learner</c>.</param>
/// <param name="UserId">The person.</param>
/// <param name="LastSequenceNr">The last journal sequence number applied (the checkpoint).</param>
/// <param name="EventsApplied">Events applied since the actor started.</param>
/// <param name="Folder">The folder the component owns.</param>
/// <param name="Rows">Memory only: live memories (distinct commands) in the store.</param>
/// <param name="Version">Memory only: the current table version.</param>
/// <param name="EmbedderId">Memory only: the embedder whose vectors the store holds.</param>
public sealed record ProjectionStatus(
    string Component,
    string UserId,
    long LastSequenceNr,
    long EventsApplied,
    string Folder,
    long? Rows = null,
    long? Version = null,
    string? EmbedderId = null);

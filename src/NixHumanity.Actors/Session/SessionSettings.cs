namespace NixHumanity.Actors.Session;

/// <summary>What a <see cref="SessionActor"/> needs from configuration.</summary>
/// <param name="Flow">Flow thresholds.</param>
/// <param name="SnapshotInterval">Events between snapshots, so recovery is snapshot + a short tail.</param>
internal sealed record SessionSettings(FlowOptions Flow, int SnapshotInterval);

namespace NixHumanity.Actors.Infrastructure.Serialization;

/// <summary>
/// Marker for every message that is written to the event journal or the snapshot store.
/// Bound to <see cref="NixHumanityJsonSerializer"/> in <c>hocon/akka.conf</c>.
/// </summary>
public interface IPersistedMessage;

namespace NixHumanity.Actors.Hosting;

/// <summary>The dimension the start-up probe found for the host's embedding generator (null until it ran).</summary>
internal sealed class ProbedGenerator
{
    /// <summary>Set by <see cref="NixHumanityStartupCheck"/> before the actor system's trees start.</summary>
    public int? Dimensions { get; set; }
}

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>A likely next command.</summary>
/// <param name="Command">The command.</param>
/// <param name="Text">The latest phrasing that produced it (what the person would say).</param>
/// <param name="Probability">Its share of the transitions out of the current command.</param>
/// <param name="Count">How often it followed the current command.</param>
public sealed record NextCommand(string Command, string Text, double Probability, long Count);

/// <summary>The likely next commands after the person's latest command.</summary>
/// <param name="AfterCommand">The latest command (null when there is none yet).</param>
/// <param name="Next">Most likely first.</param>
internal sealed record NextCommandPrediction(string? AfterCommand, IReadOnlyList<NextCommand> Next);

namespace NixHumanity.Actors.Session;

/// <summary>What happened when the assistant acted on a request.</summary>
public enum InteractionOutcome
{
    /// <summary>The outcome was not reported.</summary>
    Unknown = 0,

    /// <summary>The command worked.</summary>
    Success = 1,

    /// <summary>The command failed.</summary>
    Failure = 2,
}

/// <summary>Parsing of the outcome's wire spelling (<c>success|failure|unknown</c>).</summary>
internal static class InteractionOutcomes
{
    /// <summary>The rule callers see when the outcome is not recognised.</summary>
    public const string Rule = "must be one of success, failure, unknown";

    /// <summary>Parses <c>success</c>, <c>failure</c> or <c>unknown</c> (case-insensitive); anything else fails.</summary>
    public static bool TryParse(string? text, out InteractionOutcome outcome)
    {
        outcome = InteractionOutcome.Unknown;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "success":
                outcome = InteractionOutcome.Success;
                return true;
            case "failure":
                outcome = InteractionOutcome.Failure;
                return true;
            case "unknown":
                return true;
            default:
                return false;
        }
    }

    /// <summary>The lower-case wire spelling.</summary>
    public static string ToWire(this InteractionOutcome outcome) => outcome switch
    {
        InteractionOutcome.Success => "success",
        InteractionOutcome.Failure => "failure",
        _ => "unknown",
    };
}

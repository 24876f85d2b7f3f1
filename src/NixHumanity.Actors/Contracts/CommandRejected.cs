namespace NixHumanity.Actors.Contracts;

/// <summary>
/// Reply to any command whose input breaks a rule. Nothing was persisted.
/// </summary>
/// <param name="Field">The input field at fault, as the caller named it (e.g. <c>text</c>, <c>flowScore</c>).</param>
/// <param name="Rule">The rule it broke, in words (e.g. <c>must be between 0 and 1</c>).</param>
public sealed record CommandRejected(string Field, string Rule)
{
    /// <summary>One-line message for people: "text: must not be empty".</summary>
    public string Message => $"{Field}: {Rule}";
}

/// <summary>Thrown by the client facade when the actor tree rejected a command's input.</summary>
public sealed class InvalidInputException(CommandRejected rejection) : ArgumentException(rejection.Message, rejection.Field)
{
    /// <summary>The rejection as the actor tree sent it.</summary>
    public CommandRejected Rejection { get; } = rejection;
}

using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Checks of caller-typed inputs a host can run before it asks anything of the actor tree, with the same field and
/// rule as the tree's own rejection, so a bad value never starts a user's actors.
/// </summary>
public static class NixHumanityInput
{
    /// <summary>An ISO-8601 time that names its offset (<c>Z</c> or <c>±hh:mm</c>), as the learner accepts it.</summary>
    /// <param name="field">The input's name as the caller knows it (e.g. <c>asOf</c>).</param>
    /// <param name="text">The text.</param>
    /// <exception cref="InvalidInputException">Not such a time; the rejection names <paramref name="field"/>.</exception>
    public static DateTimeOffset ParseTime(string field, string? text) => LearningInput.ParseTime(field, text);

    /// <summary>Checks a preference feature range <c>A..B</c> (within the tensor's features).</summary>
    /// <exception cref="InvalidInputException">Not such a range.</exception>
    public static void CheckFeatureRange(string text) => FeatureRange.Parse(text);

    /// <summary>Checks an interaction by the rules the tree applies when it is recorded (its user id included), so a
    /// refused one starts nothing: no data directory, journal or store is created for it.</summary>
    /// <param name="command">The interaction.</param>
    /// <param name="now">The current time (an absent timestamp means now).</param>
    /// <exception cref="InvalidInputException">A rule fails; the rejection is the one the tree would answer.</exception>
    public static void CheckInteraction(RecordInteraction command, DateTimeOffset now) =>
        ThrowIfRejected(InputRules.FirstOf(InputRules.Id("userId", command.UserId), SessionActor.Check(command, now)));

    /// <summary>Checks a notification by the rules the tree applies when it is recorded (its user id included).</summary>
    /// <param name="command">The notification.</param>
    /// <param name="now">The current time (an absent timestamp means now).</param>
    /// <exception cref="InvalidInputException">A rule fails; the rejection is the one the tree would answer.</exception>
    public static void CheckNotification(RecordNotification command, DateTimeOffset now) =>
        ThrowIfRejected(InputRules.FirstOf(InputRules.Id("userId", command.UserId), SessionActor.Check(command, now)));

    private static void ThrowIfRejected(CommandRejected? rejection)
    {
        if (rejection is not null)
        {
            throw new InvalidInputException(rejection);
        }
    }
}

using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>Parsing of the learner's caller-typed inputs (e.g. <c>preferences --as-of</c>), with clear rejections.</summary>
internal static class LearningInput
{
    /// <summary>The rule callers see when a time is not understood.</summary>
    public const string TimeRule = IsoTime.Rule;

    /// <summary>
    /// Parses an ISO-8601 time that names its offset (<c>Z</c> or <c>±hh:mm</c>), so the same text means the same
    /// instant on every machine; throws <see cref="InvalidInputException"/> naming <paramref name="field"/>.
    /// </summary>
    /// <param name="field">The input's name as the caller knows it (e.g. <c>asOf</c>).</param>
    /// <param name="text">The text.</param>
    public static DateTimeOffset ParseTime(string field, string? text) => IsoTime.Parse(field, text);
}

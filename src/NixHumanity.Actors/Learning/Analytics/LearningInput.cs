using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>Parsing of the learner's caller-typed inputs (e.g. <c>preferences --as-of</c>), with clear rejections.</summary>
public static class LearningInput
{
    /// <summary>The rule callers see when a time is not understood.</summary>
    public const string TimeRule = "must be an ISO-8601 time with an offset or Z, e.g. 2026-03-02T10:00:00Z";

    /// <summary>
    /// Parses an ISO-8601 time that names its offset (<c>Z</c> or <c>±hh:mm</c>), so the same text means the same
    /// instant on every machine; throws <see cref="InvalidInputException"/> naming <paramref name="field"/>.
    /// </summary>
    /// <param name="field">The input's name as the caller knows it (e.g. <c>asOf</c>).</param>
    /// <param name="text">The text.</param>
    public static DateTimeOffset ParseTime(string field, string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        var hasOffset = trimmed.EndsWith('Z') || trimmed.EndsWith('z')
            || (trimmed.Length > 6 && trimmed[^6] is '+' or '-' && trimmed[^3] == ':');
        if (hasOffset && trimmed.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        throw new InvalidInputException(new CommandRejected(field, $"{TimeRule} (was '{text}')"));
    }
}

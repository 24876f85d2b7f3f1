using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Cli;

/// <summary>Parsing helpers that fail with the same field/rule shape as the actor tree.</summary>
internal static class CliErrors
{
    /// <summary>Parses an optional ISO-8601 timestamp; a value without offset is taken as UTC.</summary>
    public static DateTimeOffset? ParseTimestamp(string field, string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new InvalidInputException(new CommandRejected(field, "must be an ISO-8601 timestamp (e.g. 2026-11-25T14:30:00Z)"));
    }
}

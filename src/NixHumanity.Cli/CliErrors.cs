using NixHumanity.Actors.Contracts;

namespace NixHumanity.Cli;

/// <summary>Parsing helpers that fail with the same field/rule shape as the actor tree.</summary>
internal static class CliErrors
{
    /// <summary>Parses an optional ISO-8601 time with an offset (<see cref="IsoTime"/>); absent gives null.</summary>
    public static DateTimeOffset? ParseTimestamp(string field, string? text) => text is null ? null : IsoTime.Parse(field, text);
}

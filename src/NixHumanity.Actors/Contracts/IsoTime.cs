using System.Globalization;
using System.Text.RegularExpressions;

namespace NixHumanity.Actors.Contracts;

/// <summary>
/// The one parser of times a person or program types (<c>--at</c>, <c>--as-of</c>, biometrics CSV): ISO-8601
/// <c>yyyy-MM-ddTHH:mm[:ss[.fffffff]]</c> followed by <c>Z</c> or <c>±hh:mm</c>, nothing else.
/// </summary>
/// <remarks>
/// Strict on purpose. .NET's lenient parsing reads "May 5 2020 3pm" and even "2.5" as dates, and a time without an
/// offset would mean a different instant on each machine; the same text must mean the same instant everywhere.
/// Files from the assistant's older stores are a different matter: their legacy timestamps are read by the importer's
/// own rules.
/// </remarks>
internal static partial class IsoTime
{
    /// <summary>The rule a rejected time breaks.</summary>
    public const string Rule = "must be an ISO-8601 time with an offset or Z, e.g. 2026-03-02T10:00:00Z";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses <paramref name="text"/> (surrounding white space ignored); false when it is not such a time.</summary>
    /// <param name="text">The text.</param>
    /// <param name="time">The instant, when true.</param>
    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        time = default;
        var trimmed = text?.Trim();
        return trimmed is not null
            && Pattern().IsMatch(trimmed)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="InvalidInputException"/> naming <paramref name="field"/>.</summary>
    /// <param name="field">The input's name as the caller knows it (e.g. <c>at</c>).</param>
    /// <param name="text">The text.</param>
    /// <exception cref="InvalidInputException">The text is not an ISO-8601 time with an offset.</exception>
    public static DateTimeOffset Parse(string field, string? text) =>
        TryParse(text, out var time) ? time : throw new InvalidInputException(new CommandRejected(field, $"{Rule} (was '{text}')"));
}

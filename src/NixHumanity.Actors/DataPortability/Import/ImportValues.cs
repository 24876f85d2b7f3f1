using System.Globalization;
using System.Text.Json;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>
/// Conversions of the old stores' loosely typed values (SQLite cells, JSON properties) shared by the readers:
/// timestamps, numbers, text, outcomes and the exact spelling that goes into an import key.
/// </summary>
internal static class ImportValues
{
    /// <summary>The rule a value breaks when <see cref="TryTimestamp"/> does not accept it.</summary>
    public const string TimestampRule = "must be an ISO-8601 time or Unix seconds/milliseconds";

    /// <summary>ISO-8601 text (no offset means UTC), or a Unix time in seconds (or milliseconds when above 10¹¹).</summary>
    public static bool TryTimestamp(object? value, out DateTimeOffset at)
    {
        at = default;
        if (Number(value) is { } n)
        {
            return TryUnixTime(n, out at);
        }

        return value is string text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }

    /// <summary>The old stores' outcome words; anything unrecognised is unknown rather than bad.</summary>
    public static InteractionOutcome Outcome(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "success" or "succeeded" or "successful" or "ok" or "done" or "completed" or "complete" or "true" or "1" or "yes" => InteractionOutcome.Success,
        "failure" or "failed" or "fail" or "error" or "false" or "0" or "no" => InteractionOutcome.Failure,
        _ => InteractionOutcome.Unknown,
    };

    /// <summary>
    /// The first of <paramref name="names"/> that is present and not null, as a string; false when that property is
    /// not a string. Absent everywhere leaves <paramref name="value"/> null and is fine.
    /// </summary>
    public static bool TryString(JsonElement obj, out string? value, params string[] names)
    {
        value = null;
        foreach (var name in names)
        {
            if (!obj.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (property.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            return TryGetString(property, out value);
        }

        return true;
    }

    /// <summary>The rule a JSON string breaks when <see cref="TryGetString"/> cannot read it.</summary>
    public const string UnicodeRule = "must be valid Unicode text (no lone surrogate, no invalid UTF-8)";

    /// <summary>
    /// A JSON string's value; false when it holds a lone surrogate escape or invalid UTF-8, which System.Text.Json
    /// only detects (and throws for) when the string is read. One such row is a bad row, not a bad file.
    /// </summary>
    public static bool TryGetString(JsonElement property, out string? value)
    {
        try
        {
            value = property.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>A cell as text: strings as they are, numbers in invariant spelling, anything else none.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        long or double => Convert.ToString(value, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Blank optional fields in the old stores mean "absent", not "bad".</summary>
    public static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>A cell as a number: integers, reals, or text that spells one.</summary>
    public static double? Number(object? value) => value switch
    {
        long l => l,
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>A value's exact spelling for the import key (type-tagged so 1 and '1' differ).</summary>
    public static string? Raw(object? value) => value switch
    {
        null => null,
        string s => "s" + s,
        long l => "i" + l.ToString(CultureInfo.InvariantCulture),
        double d => "r" + d.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => "b" + Convert.ToBase64String(b),
        _ => "o" + Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>Whether <paramref name="text"/> parses as JSON (any kind of value).</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryUnixTime(double n, out DateTimeOffset at)
    {
        at = default;
        if (!double.IsFinite(n))
        {
            return false;
        }

        var milliseconds = Math.Abs(n) >= 1e11 ? n : n * 1000;
        if (milliseconds < -62_135_596_800_000d || milliseconds > 253_402_300_799_000d)
        {
            return false;
        }

        at = DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
        return true;
    }
}

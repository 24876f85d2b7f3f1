using System.Text.RegularExpressions;

namespace NixHumanity.Actors.Contracts;

/// <summary>
/// The edge rules every command's input must satisfy before anything is persisted (DESIGN: rule 6).
/// Each method returns <c>null</c> when the value is acceptable, else the rejection naming field and rule.
/// </summary>
public static partial class InputRules
{
    /// <summary>Longest interaction text accepted.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Longest free-form short field (command, intent, source) accepted.</summary>
    public const int MaxShortFieldLength = 1024;

    /// <summary>Earliest timestamp accepted: nothing in this system predates 2000.</summary>
    public static readonly DateTimeOffset EarliestTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far in the future a timestamp may lie (clock skew between devices).</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromDays(1);

    private const string IdRule = "must match [A-Za-z0-9_-]{1,64}";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    /// <summary>True when <paramref name="id"/> is a valid user or session id (safe as a folder name).</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>User ids and session ids become folder names and persistence ids, so they are strictly limited.</summary>
    public static CommandRejected? Id(string field, string? value) =>
        IsValidId(value) ? null : new CommandRejected(field, IdRule);

    /// <summary>Required text: not empty or blank, at most <paramref name="maxLength"/> characters.</summary>
    public static CommandRejected? RequiredText(string field, string? value, int maxLength = MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new CommandRejected(field, "must not be empty");
        }

        return value.Length > maxLength ? new CommandRejected(field, $"must be at most {maxLength} characters") : Characters(field, value);
    }

    /// <summary>
    /// Text must be valid Unicode without control characters (tab, line feed and carriage return excepted). A NUL or
    /// an escape sequence is never part of what a person said, and the stores disagree about them (DuckDB cuts a
    /// string at NUL while the journal keeps it whole), so they are refused at the edge instead.
    /// </summary>
    public static CommandRejected? Characters(string field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return new CommandRejected(field, $"must be valid Unicode (a lone surrogate U+{(int)c:X4} at position {i})");
            }

            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return new CommandRejected(field, $"must not contain control characters (U+{(int)c:X4} at position {i})");
            }
        }

        return null;
    }

    /// <summary>Optional text: absent is fine; present must not be blank nor too long.</summary>
    public static CommandRejected? OptionalText(string field, string? value, int maxLength = MaxShortFieldLength) =>
        value is null ? null : RequiredText(field, value, maxLength);

    /// <summary>Optional score: absent is fine; present must be a finite number in [0,1].</summary>
    public static CommandRejected? OptionalUnitScore(string field, double? value)
    {
        if (value is not { } v)
        {
            return null;
        }

        if (!double.IsFinite(v))
        {
            return new CommandRejected(field, "must be a finite number (not NaN or infinity)");
        }

        return v is < 0 or > 1 ? new CommandRejected(field, "must be between 0 and 1") : null;
    }

    /// <summary>Timestamps must lie between 2000-01-01 and one day after <paramref name="now"/>.</summary>
    public static CommandRejected? Timestamp(string field, DateTimeOffset value, DateTimeOffset now)
    {
        if (value < EarliestTimestamp)
        {
            return new CommandRejected(field, "must not be before 2000-01-01");
        }

        return value > now + MaxFutureSkew ? new CommandRejected(field, "must not be more than one day in the future") : null;
    }

    /// <summary>The first rejection among <paramref name="checks"/>, or null when all pass.</summary>
    public static CommandRejected? FirstOf(params ReadOnlySpan<CommandRejected?> checks)
    {
        foreach (var check in checks)
        {
            if (check is not null)
            {
                return check;
            }
        }

        return null;
    }
}

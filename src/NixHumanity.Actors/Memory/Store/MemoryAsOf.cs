using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>Which table version a search reads: a version number or a point in time (the latest version at or before it).</summary>
internal sealed record MemoryAsOf
{
    private MemoryAsOf(long? version, DateTimeOffset? time)
    {
        Version = version;
        Time = time;
    }

    /// <summary>The version number, when selected by number.</summary>
    public long? Version { get; }

    /// <summary>The point in time, when selected by time.</summary>
    public DateTimeOffset? Time { get; }

    /// <summary>Reads exactly version <paramref name="version"/>.</summary>
    public static MemoryAsOf AtVersion(long version) => new(version, null);

    /// <summary>Reads the latest version created at or before <paramref name="time"/>.</summary>
    public static MemoryAsOf AtTime(DateTimeOffset time) => new(null, time);

    /// <summary>Parses the CLI spelling: a non-negative integer (version) or an ISO-8601 time with an offset (<see cref="IsoTime"/>).</summary>
    /// <exception cref="InvalidInputException">Neither a version number nor an ISO-8601 timestamp (field <c>asOf</c>).</exception>
    public static MemoryAsOf Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return AtVersion(version);
        }

        if (IsoTime.TryParse(trimmed, out var time))
        {
            return AtTime(time);
        }

        throw new InvalidInputException(new CommandRejected("asOf", $"'{text}' is neither a version number nor an ISO-8601 time with an offset or Z (e.g. 2026-03-02T10:00:00Z)"));
    }

    /// <inheritdoc />
    public override string ToString() =>
        Version is { } v ? v.ToString(CultureInfo.InvariantCulture) : Time!.Value.ToString("O", CultureInfo.InvariantCulture);
}

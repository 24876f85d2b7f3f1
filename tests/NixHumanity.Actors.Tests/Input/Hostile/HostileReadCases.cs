namespace NixHumanity.Actors.Tests.Input.Hostile;

/// <summary>
/// Reads that must answer (exit 0, one JSON object) and leave no trace: a person nothing is held about, and a data
/// directory that does not exist (<c>{missing}</c>, which must still not exist afterwards). The arguments follow
/// <see cref="HostileCase"/>'s placeholders.
/// </summary>
internal static class HostileReadCases
{
    /// <summary>A data directory that does not exist; a read must not create it.</summary>
    public const string Missing = "{files}/no-such-data";

    public static readonly IReadOnlyList<HostileCase> All =
    [
        new("status of an unknown user", 0, "\"interactions\":0", ["status", "--user", "phantom-reader"]),
        new("search of an unknown user", 0, "\"results\":[]", ["search", "--user", "phantom-reader", "vlc"]),
        new("query flow of an unknown user", 0, "\"rows\":[]", ["query", "flow", "--user", "phantom-reader"]),
        new("query learning of an unknown user", 0, "\"rows\":[]", ["query", "learning", "--user", "phantom-reader"]),
        new("preferences of an unknown user", 0, "\"cells\":[]", ["preferences", "--user", "phantom-reader"]),
        new("suggest for an unknown user", 0, "\"next\":[]", ["suggest", "--user", "phantom-reader"]),
        new("fold of an unknown user", 0, "\"written\":false", ["fold", "--user", "phantom-reader"]),
        new("export of an unknown user", 0, "\"events\":0", ["export", "--user", "phantom-reader", "--out", "{files}/export-phantom"]),
        new("status on a missing data dir", 0, "\"interactions\":0", ["status", "--user", "rose", "--data-dir", Missing]),
        new("search on a missing data dir", 0, "\"results\":[]", ["search", "--user", "rose", "vlc", "--data-dir", Missing]),
        new("query flow of everyone on a missing data dir", 0, "\"rows\":[]", ["query", "flow", "--data-dir", Missing]),
        new("preferences on a missing data dir", 0, "\"cells\":[]", ["preferences", "--user", "rose", "--data-dir", Missing]),
        new("suggest on a missing data dir", 0, "\"next\":[]", ["suggest", "--user", "rose", "--data-dir", Missing]),
        new("stats on a missing data dir", 0, "\"users\":0", ["stats", "--data-dir", Missing]),
        new("export on a missing data dir", 0, "\"events\":0", ["export", "--user", "rose", "--out", "{files}/export-of-nothing", "--data-dir", Missing]),
    ];
}

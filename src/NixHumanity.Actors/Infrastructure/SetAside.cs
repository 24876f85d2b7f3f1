namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Moves a projection's file or folder out of the way under a name that says why and when
/// (<c>&lt;name&gt;.&lt;why&gt;-&lt;yyyyMMddTHHmmssfff&gt;</c>), never deleting it: a projection can be rebuilt from the journal,
/// but what was set aside stays for a person to inspect or remove.
/// </summary>
internal static class SetAside
{
    /// <summary>
    /// Moves <paramref name="path"/> (a file together with its DuckDB write-ahead log <c>.wal</c>, or a folder) to its
    /// set-aside name; returns that name, or null when nothing was there.
    /// </summary>
    /// <param name="path">The file or folder.</param>
    /// <param name="why">A short reason in the name, e.g. <c>unreadable</c>, <c>damaged</c>, <c>journal-behind</c>.</param>
    /// <param name="at">When (from the owner's clock).</param>
    public static string? Move(string path, string why, DateTimeOffset at)
    {
        var aside = $"{path}.{why}-{at.UtcDateTime:yyyyMMddTHHmmssfff}";
        if (Directory.Exists(path))
        {
            Directory.Move(path, Unused(aside));
            return aside;
        }

        if (!File.Exists(path))
        {
            return null;
        }

        aside = Unused(aside);
        File.Move(path, aside);
        if (File.Exists(path + ".wal"))
        {
            File.Move(path + ".wal", aside + ".wal", overwrite: true);
        }

        return aside;
    }

    /// <summary>The name itself, or with a counter when something was set aside under it in the same millisecond.</summary>
    private static string Unused(string name)
    {
        var candidate = name;
        for (var n = 2; File.Exists(candidate) || Directory.Exists(candidate); n++)
        {
            candidate = $"{name}-{n}";
        }

        return candidate;
    }
}

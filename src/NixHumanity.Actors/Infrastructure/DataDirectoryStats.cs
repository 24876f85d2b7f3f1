namespace NixHumanity.Actors.Infrastructure;

/// <summary>Sizes of what one user holds on disk, by component folder (<c>memory</c>, <c>learner</c>, …).</summary>
/// <param name="UserId">The person.</param>
/// <param name="Bytes">Bytes per component folder.</param>
internal sealed record UserStoreSizes(string UserId, IReadOnlyDictionary<string, long> Bytes)
{
    /// <summary>All components together.</summary>
    public long TotalBytes => Bytes.Values.Sum();
}

/// <summary>Reads sizes from the data directory layout without opening any store (so no owner is bypassed).</summary>
internal static class DataDirectoryStats
{
    /// <summary>Every user folder with the size of each of its component folders.</summary>
    public static IReadOnlyList<UserStoreSizes> UserStores(DataDirectory data)
    {
        if (!Directory.Exists(data.UsersFolder))
        {
            return [];
        }

        return Directory.GetDirectories(data.UsersFolder)
            .Select(folder => new UserStoreSizes(
                Path.GetFileName(folder),
                Directory.GetDirectories(folder).ToDictionary(
                    component => Path.GetFileName(component),
                    component => Directory.GetFiles(component, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length),
                    StringComparer.Ordinal)))
            .OrderBy(u => u.UserId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Bytes of the journal file(s): the database plus its write-ahead log.</summary>
    public static long JournalBytes(DataDirectory data) =>
        Directory.Exists(data.JournalFolder)
            ? Directory.GetFiles(data.JournalFolder).Sum(f => new FileInfo(f).Length)
            : 0;
}

namespace NixHumanity.Actors.Tests.Support;

/// <summary>Files committed in the repository, found from the test binaries' folder up to the repository root.</summary>
internal static class RepositoryFiles
{
    /// <summary>The folder that holds <c>NixHumanity.Actors.sln</c>.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NixHumanity.Actors.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException($"No NixHumanity.Actors.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The full path of <paramref name="relativePath"/> (segments separated by <c>/</c>) under the root.</summary>
    public static string PathOf(string relativePath) => Path.Combine([Root, .. relativePath.Split('/')]);
}

namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>
/// Where the owner of a data directory listens: <c>&lt;data-dir&gt;/serve/nixh.sock</c>, in a folder only the owner
/// can enter (0700), the socket itself 0600.
/// </summary>
internal static class ServePaths
{
    /// <summary>The folder of the socket, inside the data directory.</summary>
    public static string Folder(string dataDirectory) => Path.Combine(dataDirectory, "serve");

    /// <summary>The Unix domain socket of the data directory's owner.</summary>
    public static string Socket(string dataDirectory) => Path.Combine(Folder(dataDirectory), "nixh.sock");
}

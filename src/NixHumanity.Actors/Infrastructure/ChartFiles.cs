namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// The names of a person's chart files: <c>&lt;kind&gt;-&lt;user id&gt;.png</c> for each of <see cref="Kinds"/>.
/// </summary>
/// <remarks>
/// The writer and <c>forget</c> use this one list. Forget deletes exactly these names; matching a pattern such as
/// <c>*-maya.png</c> would also catch <c>flow-timeline-anna-maya.png</c>, because ids may contain <c>-</c>.
/// </remarks>
internal static class ChartFiles
{
    /// <summary>The chart that plots the flow score over time.</summary>
    public const string FlowTimeline = "flow-timeline";

    /// <summary>The chart that plots mastery per week.</summary>
    public const string LearningCurve = "learning-curve";

    /// <summary>Every kind of chart written for a person.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [FlowTimeline, LearningCurve];

    /// <summary>The file name of <paramref name="userId"/>'s chart of <paramref name="kind"/>.</summary>
    /// <param name="kind">One of <see cref="Kinds"/>.</param>
    /// <param name="userId">The person (already a valid id).</param>
    /// <returns>For example <c>flow-timeline-maya.png</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not one of <see cref="Kinds"/>.</exception>
    public static string FileName(string kind, string userId)
    {
        if (!Kinds.Contains(kind, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{kind}' is not a chart kind ({string.Join(", ", Kinds)}).", nameof(kind));
        }

        return $"{kind}-{userId}.png";
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/> without following a symbolic link planted there:
    /// the bytes go to a new file created beside it and are renamed over the name, which replaces a link instead of
    /// writing through it.
    /// </summary>
    /// <param name="path">The destination file.</param>
    /// <param name="bytes">The content.</param>
    public static void WriteReplacing(string path, ReadOnlySpan<byte> bytes)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            // CreateNew never opens an existing file or link, so nothing outside the folder is written.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}

using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.DataPortability.Import;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// The file work a host does before (or without) starting the actor tree: where the data directory is by default,
/// reading and checking an import file, recognising an export folder. Hosts go through here rather than through the
/// library's inner areas, so those stay free to change.
/// </summary>
public static class NixHumanityFiles
{
    /// <summary><c>$NIXH_DATA_DIR</c>, else <c>$XDG_DATA_HOME/nix-humanity</c>, else <c>~/.local/share/nix-humanity</c>.</summary>
    public static string DefaultDataDirectory() => DataDirectory.DefaultRoot();

    /// <summary>
    /// Reads and validates a file of the assistant's older stores (its SQLite database or <c>learning.json</c>,
    /// detected from the content) into a plan for <see cref="NixHumanityClient.ImportAsync"/>; nothing is written.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="clock">The current time (timestamps more than a day after it are rejected).</param>
    /// <param name="progress">Receives <c>read</c> progress, if given.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="InvalidInputException">The file is missing, unreadable, or not the kind it looks like.</exception>
    public static ImportPlan ReadImportFile(string path, TimeProvider clock, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ImportFile.Read(path, clock.GetUtcNow(), progress, cancellationToken);

    /// <summary>Under <paramref name="strict"/>, a plan with any bad row is rejected as a whole, naming the first one.</summary>
    /// <exception cref="InvalidInputException">Strict and the plan has problems.</exception>
    public static void EnsureImportable(ImportPlan plan, bool strict) => HistoryImporter.EnsureImportable(plan, strict);

    /// <summary>Whether <paramref name="path"/> is a folder written by an export (it holds a manifest), to be restored
    /// with <see cref="NixHumanityClient.RestoreAsync"/> rather than imported.</summary>
    public static bool IsExportFolder(string path) => Directory.Exists(path) && ExportFolder.IsExport(path);

    /// <summary>Kind of the chart of the flow score over time (for <see cref="ChartFileName"/>).</summary>
    public const string FlowTimelineChart = ChartFiles.FlowTimeline;

    /// <summary>Kind of the chart of mastery per week (for <see cref="ChartFileName"/>).</summary>
    public const string LearningCurveChart = ChartFiles.LearningCurve;

    /// <summary>The file name of a person's chart (see <see cref="ChartFiles"/>): <c>forget</c> deletes exactly these names.</summary>
    /// <param name="kind"><see cref="FlowTimelineChart"/> or <see cref="LearningCurveChart"/>.</param>
    /// <param name="userId">The person.</param>
    public static string ChartFileName(string kind, string userId) => ChartFiles.FileName(kind, userId);

    /// <summary>Writes a file by renaming a new file over <paramref name="path"/>, so a symbolic link planted at that name
    /// is replaced, never written through.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="bytes">The content.</param>
    public static void WriteReplacing(string path, ReadOnlySpan<byte> bytes) => ChartFiles.WriteReplacing(path, bytes);

    /// <summary>Checks (and with <paramref name="create"/> creates) a folder charts are written into; a file at that
    /// name or a folder that cannot be created is refused on <paramref name="field"/>.</summary>
    /// <param name="field">The option's name (e.g. <c>out</c>).</param>
    /// <param name="folder">The folder.</param>
    /// <param name="create">Whether to create it now (when writing) or only check it (before the work).</param>
    /// <returns>Its full path.</returns>
    /// <exception cref="InvalidInputException">A file is there or the folder cannot be created.</exception>
    public static string EnsureOutputFolder(string field, string folder, bool create) => OutputFolder.Ensure(field, folder, create);

    /// <summary>Refuses on <paramref name="field"/> a <paramref name="folder"/> that is <paramref name="dataDirectory"/> or
    /// inside it (also through symbolic links): whatever is written there would be read back as data.</summary>
    /// <exception cref="InvalidInputException">The folder is inside the data directory.</exception>
    public static void EnsureOutsideDataDirectory(string field, string folder, string dataDirectory)
    {
        if (OutputFolder.IsInside(folder, dataDirectory))
        {
            throw new InvalidInputException(new CommandRejected(field, $"must not be inside the data directory {Path.GetFullPath(dataDirectory)}"));
        }
    }

    /// <summary>Checks a file handed in on <paramref name="field"/> before it is opened: it exists, is a regular file
    /// (not a pipe or device) and holds at most <paramref name="maxBytes"/> bytes.</summary>
    /// <returns>Its full path.</returns>
    /// <exception cref="InvalidInputException">A check fails.</exception>
    public static string CheckInputFile(string field, string path, long maxBytes) => InputFile.Check(field, path, maxBytes);

    /// <summary>The lines of <paramref name="reader"/>, each at most <paramref name="maxChars"/> characters (a longer
    /// one is refused on <paramref name="field"/> after reading no more than the cap).</summary>
    public static IEnumerable<string> ReadLines(string field, TextReader reader, int maxChars) => InputFile.Lines(field, reader, maxChars);
}

using System.Text.Json;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// A projection found on start that the journal no longer holds events it had applied: the journal was emptied,
/// replaced by an older copy, lost its write-ahead log, or is another journal altogether. The projection was set aside
/// and rebuilt from the journal as it is; the events in between are gone from the journal, and this report says so.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Component"><c>memory</c> or <c>learner</c>.</param>
/// <param name="Reason"><c>journal-behind</c> (same journal, fewer events), <c>journal-diverged</c> (same journal, other
/// events at the projection's checkpoint: an older copy written to since) or <c>other-journal</c> (another identity).</param>
/// <param name="AppliedThrough">The last sequence number the projection had applied.</param>
/// <param name="JournalHighest">The highest sequence number the journal holds for the person.</param>
/// <param name="PreviousJournal">The identity of the journal the projection followed, when it had recorded one.</param>
/// <param name="Journal">The identity of the journal now.</param>
/// <param name="DetectedAt">When the projection noticed.</param>
/// <param name="SetAsideAs">Where the projection's store was moved.</param>
public sealed record JournalLossReport(
    string UserId,
    string Component,
    string Reason,
    long AppliedThrough,
    long JournalHighest,
    string? PreviousJournal,
    string Journal,
    DateTimeOffset DetectedAt,
    string? SetAsideAs);

/// <summary>
/// Where <see cref="JournalLossReport"/>s are kept: one JSON file per detection in the component's folder
/// (<c>journal-loss-&lt;time&gt;.json</c>), so that <c>stats</c> reports them from the folder layout in every later
/// process, without starting any actor. They stay until the person is forgotten or someone deletes them.
/// </summary>
internal static class JournalLossReports
{
    private const string Prefix = "journal-loss-";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes <paramref name="report"/> into <paramref name="componentFolder"/>; returns the file.</summary>
    public static string Write(string componentFolder, JournalLossReport report)
    {
        var path = Path.Combine(componentFolder, $"{Prefix}{report.DetectedAt.UtcDateTime:yyyyMMddTHHmmssfff}.json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(report, Json));
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>A report is well under a kilobyte; anything larger is not one.</summary>
    private const long MaxReportBytes = 64 * 1024;

    /// <summary>Every report under the data directory's user folders, oldest first; unreadable report files are skipped.</summary>
    public static IReadOnlyList<JournalLossReport> ReadAll(DataDirectory data)
    {
        if (!Directory.Exists(data.UsersFolder))
        {
            return [];
        }

        var reports = new List<JournalLossReport>();
        foreach (var file in Directory.EnumerateFiles(data.UsersFolder, Prefix + "*.json", SearchOption.AllDirectories))
        {
            try
            {
                // Only regular files of a report's size are read (a FIFO planted there would block stats).
                if (InputFile.IsReadable(file, MaxReportBytes) &&
                    JsonSerializer.Deserialize<JournalLossReport>(File.ReadAllText(file), Json) is { } report)
                {
                    reports.Add(report);
                }
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                // A half-written or edited report must not take stats down; the projection logged it when it wrote it.
            }
        }

        return reports.OrderBy(r => r.DetectedAt).ThenBy(r => r.UserId, StringComparer.Ordinal).ToList();
    }
}

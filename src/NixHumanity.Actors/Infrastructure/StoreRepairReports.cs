using System.Text.Json;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// A store found damaged on start (missing or changed files) and rebuilt from the journal: what was found, where the
/// damaged copy was moved and what the rebuild restored. Written beside the <see cref="JournalLossReport"/>s and shown
/// by <c>stats</c> the same way, so a repair is never silent.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Component">The component owning the store (<c>learner</c>).</param>
/// <param name="Store">The store (<c>fragments</c>: the preference tensor fragments).</param>
/// <param name="Problems">What was wrong, one line per file (<c>&lt;file&gt;: missing</c>, a checksum mismatch, unreadable).</param>
/// <param name="DetectedAt">When the component noticed.</param>
/// <param name="SetAsideAs">Where the damaged store was moved.</param>
/// <param name="Rebuilt">What the rebuild restored, in words.</param>
public sealed record StoreRepairReport(
    string UserId,
    string Component,
    string Store,
    IReadOnlyList<string> Problems,
    DateTimeOffset DetectedAt,
    string? SetAsideAs,
    string Rebuilt);

/// <summary>
/// Where <see cref="StoreRepairReport"/>s are kept: one JSON file per repair in the component's folder
/// (<c>store-repair-&lt;time&gt;.json</c>), read by <c>stats</c> from the folder layout without starting any actor; they
/// stay until the person is forgotten or someone deletes them.
/// </summary>
internal static class StoreRepairReports
{
    private const string Prefix = "store-repair-";

    /// <summary>A report is a few hundred bytes; anything far larger was not written here.</summary>
    private const long MaxReportBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes <paramref name="report"/> into <paramref name="componentFolder"/>; returns the file.</summary>
    public static string Write(string componentFolder, StoreRepairReport report)
    {
        var path = Path.Combine(componentFolder, $"{Prefix}{report.DetectedAt.UtcDateTime:yyyyMMddTHHmmssfff}.json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(report, Json));
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>Every report under the data directory's user folders, oldest first; unreadable report files are skipped.</summary>
    public static IReadOnlyList<StoreRepairReport> ReadAll(DataDirectory data)
    {
        if (!Directory.Exists(data.UsersFolder))
        {
            return [];
        }

        var reports = new List<StoreRepairReport>();
        foreach (var file in Directory.EnumerateFiles(data.UsersFolder, Prefix + "*.json", SearchOption.AllDirectories))
        {
            try
            {
                // Checked before opening: a FIFO planted under a report's name would block stats for ever.
                if (InputFile.IsReadable(file, MaxReportBytes) &&
                    JsonSerializer.Deserialize<StoreRepairReport>(File.ReadAllText(file), Json) is { } report)
                {
                    reports.Add(report);
                }
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                // A half-written or edited report must not take stats down; the component logged it when it wrote it.
            }
        }

        return reports.OrderBy(r => r.DetectedAt).ThenBy(r => r.UserId, StringComparer.Ordinal).ToList();
    }
}

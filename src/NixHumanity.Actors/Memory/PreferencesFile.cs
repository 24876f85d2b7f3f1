using System.Text.Json;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// <c>preferences.json</c> beside the memory store: the learner's last <see cref="MemoryPreferences"/>. Only a cache
/// (the learner resends them with its next fold), so a foreign file is ignored and an unreadable one is set aside as
/// <c>preferences.json.unreadable-&lt;time&gt;</c> (never deleted) until the learner sends new preferences. Setting it
/// aside is reported like any damaged store (a warning and a <see cref="StoreRepairReport"/>, which <c>stats</c> shows).
/// </summary>
/// <param name="userId">The person (named in the repair report).</param>
/// <param name="folder">The memory's folder.</param>
/// <param name="embedder">The memory's embedder; preferences of another embedder are ignored.</param>
/// <param name="clock">Names a set-aside file.</param>
/// <param name="warn">Where a warning about an ignored file goes.</param>
internal sealed class PreferencesFile(string userId, string folder, IEmbedder embedder, TimeProvider clock, Action<string> warn)
{
    private const string Rebuilt = "the learner's next fold writes new preferences";

    /// <summary>A direction of 384..768 floats and one affinity per remembered command stay far below this.</summary>
    internal const long MaxBytes = 64L * 1024 * 1024;

    private string PathName => Path.Combine(folder, MemoryActor.PreferencesFileName);

    /// <summary>The stored preferences, or null when there are none usable with the embedder.</summary>
    public MemoryPreferences? Load()
    {
        if (!Path.Exists(PathName))
        {
            return null;
        }

        if (!InputFile.IsReadable(PathName, MaxBytes))
        {
            // Checked before opening: a FIFO planted here would block the memory actor, /dev/zero would never end.
            var found = InputFile.NonRegularKind(PathName) ?? (Directory.Exists(PathName) ? "a folder" : "too large");
            SetAsideAndReport($"{MemoryActor.PreferencesFileName}: {found}, not a regular file of at most {MaxBytes:N0} bytes");
            return null;
        }

        try
        {
            var loaded = JsonSerializer.Deserialize<MemoryPreferences>(File.ReadAllText(PathName));
            if (loaded is not null && loaded.EmbedderId == embedder.Id && loaded.Direction.Length == embedder.Dimensions &&
                loaded.Direction.All(float.IsFinite))
            {
                return loaded with { Affinity = new Dictionary<string, double>(loaded.Affinity, StringComparer.Ordinal) };
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
        {
            SetAsideAndReport($"{MemoryActor.PreferencesFileName}: unreadable ({ex.Message.ReplaceLineEndings(" ")})");
        }

        return null;
    }

    /// <summary>Moves the file aside and reports it: a warning and a repair report in the memory's folder.</summary>
    private void SetAsideAndReport(string problem)
    {
        var at = clock.GetUtcNow();
        var aside = SetAside.Move(PathName, "unreadable", at);
        try
        {
            StoreRepairReports.Write(folder, new StoreRepairReport(userId, "memory", MemoryActor.PreferencesFileName, [problem], at, aside, Rebuilt));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Set aside either way; a folder that takes no report must not stop the memory.
            warn($"could not write the store-repair report ({ex.Message})");
        }

        warn($"{problem}; moved it to {aside}; {Rebuilt}");
    }

    /// <summary>Stores <paramref name="preferences"/>.</summary>
    public void Save(MemoryPreferences preferences)
    {
        // Write-then-rename, so a crash leaves either the old or the new preferences, never half a file.
        var temporary = PathName + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(preferences));
        File.Move(temporary, PathName, overwrite: true);
    }

    /// <summary>Removes the file (the preferences belong to an embedder no longer used).</summary>
    public void Delete()
    {
        if (File.Exists(PathName))
        {
            File.Delete(PathName);
        }
    }
}

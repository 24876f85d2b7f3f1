using System.Diagnostics;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// A fact that needs <c>chattr +i</c> on a folder under the system temp folder (root and a file system with the
/// immutable attribute: ext4, xfs, btrfs; not tmpfs or overlay mounts without it). Elsewhere it skips with the reason.
/// </summary>
public sealed class ImmutableFolderFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> WhyNot = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "nixh-tests", $"chattr-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            if (Chattr("+i", folder) is { } failure)
            {
                return $"chattr +i is not supported here ({failure})";
            }

            Chattr("-i", folder);
            return null;
        }
        finally
        {
            Directory.Delete(folder);
        }
    });

    public ImmutableFolderFactAttribute()
    {
        if (WhyNot.Value is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Runs <c>chattr</c> with <paramref name="flag"/> on <paramref name="path"/>; null when it worked, else why not.</summary>
    public static string? Chattr(string flag, string path)
    {
        try
        {
            var start = new ProcessStartInfo("chattr") { RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(flag);
            start.ArgumentList.Add(path);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return ex.Message;
        }
    }
}

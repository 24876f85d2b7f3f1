using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Faults;

/// <summary>
/// A data directory on a really full disk (an 8 MB tmpfs; one user's two DuckDB stores alone take 2 MB):
/// <c>nixh record</c> stops with <c>nixh: disk full: PATH</c> and exit code 5, and once space is freed recording goes
/// on and nothing acknowledged before is lost.
/// </summary>
public sealed class DiskFullSpecs
{
    /// <summary>Bounds the loop: a disk with this little room left is full after a handful of records.</summary>
    private const int MaxRecords = 30;

    private static Task<NixhProcess.Result> RecordAsync(string dataDirectory, int n) =>
        NixhProcess.RunAsync("record", "--data-dir", dataDirectory, "--user", "ann", "--session", "s1",
            "--text", $"install package {n}", "--command", $"nix-env -iA nixpkgs.pkg{n}", "--outcome", "success", "--json");

    // With 16 KB left, the next `nixh record` fails on the journal with SQLite's 'disk I/O error' (SQLITE_IOERR, not
    // SQLITE_FULL): StoreFaults takes an I/O failure on a nearly full file system for a full disk (exit 5).
    [TmpfsFact]
    public async Task Records_on_a_full_disk_stop_with_disk_full_and_exit_5_and_nothing_acknowledged_is_lost_once_space_is_freed()
    {
        using var disk = TmpfsMount.Mount("8m");
        var acknowledged = new List<string>();
        var first = await RecordAsync(disk.Path, 0);
        acknowledged.Add(NixhProcess.SingleJsonObject(first).GetProperty("id").GetString()!);
        // The stores exist now; what is left of the disk is taken but a few pages, so the next records fill it.
        var filler = disk.Fill(leaveFree: 16 * 1024);

        NixhProcess.Result? full = null;
        for (var n = 1; n <= MaxRecords && full is null; n++)
        {
            var result = await RecordAsync(disk.Path, n);
            if (result.ExitCode == 0)
            {
                acknowledged.Add(NixhProcess.SingleJsonObject(result).GetProperty("id").GetString()!);
            }
            else
            {
                full = result;
            }
        }

        full.Should().NotBeNull($"{MaxRecords} records fill a disk with 16 KB left");
        full!.ExitCode.Should().Be(5, full.StdErr);
        // The journal's own error log may come first (stderr carries warnings and worse); the verb's answer is the last line.
        full.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Should().StartWith($"nixh: disk full: {disk.Path}/");
        full.StdOut.Should().BeEmpty("nothing was acknowledged");

        File.Delete(filler);
        var after = await RecordAsync(disk.Path, MaxRecords + 1);
        acknowledged.Add(NixhProcess.SingleJsonObject(after).GetProperty("id").GetString()!);

        await using var tree = ActorTree.Start(disk.Path, o => o.AskTimeout = TimeSpan.FromSeconds(60));
        var journaled = (await tree.Client().ReadSessionHistoryAsync("ann"))
            .Select(e => e.Event).OfType<InteractionRecorded>().Select(e => e.InteractionId).ToList();
        journaled.Should().Contain(acknowledged, "every acknowledged record survives the full disk");
    }
}

using System.Diagnostics;

namespace NixHumanity.Soak;

/// <summary>
/// Prints <c>sample SECONDS rss=BYTES managed=BYTES handles=N threads=N acks=N</c> every interval, so a long run shows
/// whether memory and open file handles stay flat while the acknowledgements grow.
/// </summary>
internal sealed class ResourceSampler(SoakOutput output, Func<int> acknowledged)
{
    public async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        Sample(clock.Elapsed);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                Sample(clock.Elapsed);
            }
        }
        catch (OperationCanceledException)
        {
            // The run's time is up.
        }

        Sample(clock.Elapsed);
    }

    private void Sample(TimeSpan elapsed)
    {
        using var self = Process.GetCurrentProcess();
        output.Line(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"sample {elapsed.TotalSeconds:F0} rss={self.WorkingSet64} managed={GC.GetTotalMemory(false)} handles={OpenHandles()} threads={self.Threads.Count} acks={acknowledged()}"));
    }

    /// <summary>Open file descriptors (Linux: entries of /proc/self/fd); -1 where that folder does not exist.</summary>
    private static int OpenHandles() =>
        Directory.Exists("/proc/self/fd") ? Directory.GetFileSystemEntries("/proc/self/fd").Length : -1;
}

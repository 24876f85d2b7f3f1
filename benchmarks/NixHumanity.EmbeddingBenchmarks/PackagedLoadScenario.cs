using System.Diagnostics;
using System.Globalization;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.EmbeddingBenchmarks;

/// <summary>
/// What loading the packaged all-MiniLM-L6-v2 costs, in a fresh process: the time to create the deferred embedder
/// (its id without the model), the time of the one load (resource copy, sha256, ONNX session), the first embedding,
/// a batch of short texts, and the process's resident memory (VmRSS, and the peak VmHWM) before and after.
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.EmbeddingBenchmarks -- --packaged-load [--texts N]
/// </summary>
internal static class PackagedLoadScenario
{
    public static int Run(string[] args)
    {
        var count = args is ["--texts", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 256;
        Line("rss before", Rss());

        var clock = Stopwatch.StartNew();
        using var embedder = DeferredEmbedder.PackagedMiniLm();
        Line("create (id known)", $"{clock.Elapsed.TotalMilliseconds:F2} ms  id {embedder.Id}");

        clock.Restart();
        embedder.LoadAsync().GetAwaiter().GetResult();
        Line("load", $"{clock.Elapsed.TotalMilliseconds:F0} ms");
        Line("rss after load", Rss());
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Line("rss after load + GC", Rss());

        clock.Restart();
        embedder.Embed("install firefox please");
        Line("first embed", $"{clock.Elapsed.TotalMilliseconds:F1} ms");

        var texts = Enumerable.Range(0, count).Select(i => $"please install program number {i} and update the system").ToList();
        clock.Restart();
        embedder.EmbedBatch(texts);
        Line($"batch of {count} short texts", $"{clock.Elapsed.TotalMilliseconds:F0} ms ({count / clock.Elapsed.TotalSeconds:F0} texts/s)");
        Line("rss after embedding", Rss());
        return 0;
    }

    private static void Line(string what, string value) => Console.WriteLine($"{what,-30} {value}");

    /// <summary>Resident and peak resident memory of this process, from /proc/self/status (Linux).</summary>
    private static string Rss()
    {
        var status = File.ReadAllLines("/proc/self/status");
        string Field(string name) => status.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";
        return $"VmRSS {Field("VmRSS")}, peak VmHWM {Field("VmHWM")}, managed heap {GC.GetTotalMemory(false) / 1024 / 1024} MB";
    }
}
